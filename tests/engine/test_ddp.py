"""Models train under DDP: 2 CPU processes (gloo) match 1 process on the full batch."""

import ddp_worker
import numpy as np
import torch
import torch.multiprocessing as mp


def test_two_process_ddp_equals_single_process_full_batch(rng, tmp_path):
    x = torch.tensor(rng.standard_normal((16, 12, 2)), dtype=torch.float32)
    y = torch.tensor(rng.standard_normal((16, 1)), dtype=torch.float32)
    steps = 5
    out_path = tmp_path / "ddp.npz"
    store = str(tmp_path / "store")
    mp.spawn(ddp_worker.run, args=(2, store, x, y, steps, str(out_path)), nprocs=2, join=True)

    single = ddp_worker.make_model()
    initial = single.get_weights()
    ddp_worker.train_steps(single, single, x, y, steps)
    with np.load(out_path) as saved:
        distributed = list(saved.values())
    assert len(distributed) == len(single.weights) == 9
    for got, want, start in zip(distributed, single.get_weights(), initial):
        assert not np.allclose(want, start)  # training moved every weight
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
