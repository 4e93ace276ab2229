"""Worker of the BatchNormalization DistributedDataParallel test (importable when spawned)."""

import datetime

import numpy as np
import torch
import torch.distributed as dist

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


def step(model, forward, x, y, optimizer):
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(forward(x), y).backward()


def run(rank, world_size, store_path, x, y, steps, out_path):
    """One DDP rank trains on its shard; each rank saves its weights to ``out_path.<rank>``."""
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"file://{store_path}",
        rank=rank,
        world_size=world_size,
        timeout=datetime.timedelta(seconds=60),
    )
    try:
        model = make_model()
        ddp = torch.nn.parallel.DistributedDataParallel(model)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        shard = len(x) // world_size
        part = slice(rank * shard, (rank + 1) * shard)
        for _ in range(steps):
            step(model, ddp, x[part], y[part], optimizer)
            optimizer.step()
        with open(f"{out_path}.{rank}", "wb") as file:
            np.savez(file, *model.get_weights())
        del ddp
        dist.barrier()
    finally:
        dist.destroy_process_group()
