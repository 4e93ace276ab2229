"""Worker of the DistributedDataParallel test (importable by spawned processes)."""

import contextlib
import datetime

import numpy as np
import torch
import torch.distributed as dist

import convlayers


def make_model() -> torch.nn.Module:
    """A small model mixing the layer families, a regularizer and a constraint."""
    torch.manual_seed(0)
    model = convlayers.Sequential(
        [
            convlayers.Conv1D(
                4,
                3,
                input_shape=(12, 2),
                padding="causal",
                activation="relu",
                kernel_regularizer=convlayers.regularizers.L2(0.01),
            ),
            convlayers.SeparableConv1D(3, 3, strides=2, padding="same"),
            convlayers.LocallyConnected1D(2, 2, implementation=3),
            convlayers.Flatten(),
            convlayers.Dense(1, kernel_constraint=convlayers.constraints.MaxNorm(0.3)),
        ]
    )
    return model


def train_steps(model, forward, x, y, steps):
    """``steps`` of SGD on (x, y) with regularization and constraints, as ``fit`` does."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(forward(x), y)
        loss = loss + convlayers.regularization_loss(model)
        loss.backward()
        optimizer.step()
        convlayers.apply_constraints(model)


@contextlib.contextmanager
def process_group(rank, world_size, store_path):
    """A gloo process group for one rank, met through a file store: no TCP port to pick
    (and lose to a race), and no rank hosting a store its peer still talks to while
    tearing down. Drop DDP wrappers inside the block: both ranks then meet at a barrier
    before either tears gloo down (a rank destroying the group while its peer still holds
    it aborts the peer)."""
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"file://{store_path}",
        rank=rank,
        world_size=world_size,
        timeout=datetime.timedelta(seconds=60),
    )
    try:
        yield
        dist.barrier()
    finally:
        dist.destroy_process_group()


def run(rank, world_size, store_path, x, y, steps, out_path):
    """One DDP rank: train on its shard of the batch; rank 0 saves the weights."""
    with process_group(rank, world_size, store_path):
        model = make_model()
        ddp = torch.nn.parallel.DistributedDataParallel(model)
        shard = len(x) // world_size
        part = slice(rank * shard, (rank + 1) * shard)
        train_steps(model, ddp, x[part], y[part], steps)
        if rank == 0:
            with open(out_path, "wb") as file:
                np.savez(file, *model.get_weights())
        del ddp  # DDP's reducer goes before the process group
