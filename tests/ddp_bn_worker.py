"""Worker of the BatchNormalization DistributedDataParallel test (importable when spawned)."""

import numpy as np
import torch
from ddp_worker import process_group

import convlayers


def make_model() -> torch.nn.Module:
    """Convolution, batch and layer normalization, pooling, dense: one of each kind."""
    torch.manual_seed(0)
    return convlayers.Sequential(
        [
            convlayers.Conv1D(4, 3, padding="same", input_shape=(12, 2)),
            convlayers.BatchNormalization(momentum=0.8),
            convlayers.MaxPooling1D(),
            convlayers.LayerNormalization(),
            convlayers.GlobalAveragePooling1D(),
            convlayers.Dense(1),
        ]
    )


def step(forward, x, y, optimizer):
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(forward(x), y).backward()


def run(rank, world_size, store_path, x, y, steps, out_path):
    """One DDP rank trains on its shard; each rank saves its weights to ``out_path.<rank>``."""
    with process_group(rank, world_size, store_path):
        model = make_model()
        ddp = torch.nn.parallel.DistributedDataParallel(model)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        shard = len(x) // world_size
        part = slice(rank * shard, (rank + 1) * shard)
        for _ in range(steps):
            step(ddp, x[part], y[part], optimizer)
            optimizer.step()
        with open(f"{out_path}.{rank}", "wb") as file:
            np.savez(file, *model.get_weights())
        del ddp
