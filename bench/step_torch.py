"""The LeNet-300-100 training step of `lottery bench-step`, in PyTorch (eager, CPU).

The same step as bench/step_jax.py: 784-300-100-10, batch 60, Adam 1.2e-3,
the same mask handling (BENCH_MASK=grad by default, or forward), a fresh batch
gathered on the host each step, the same thread count. One JSON line.
"""
import json
import os
import sys
import time

import numpy as np
import torch

THREADS = int(os.environ.get("BENCH_THREADS", "1"))
torch.set_num_threads(THREADS)
WIDTHS = [784, 300, 100, 10]
BATCH = 60
MASK = os.environ.get("BENCH_MASK", "grad")


def main(density, blocks, per_block):
    rng = np.random.default_rng(0)
    weights, biases, masks = [], [], []
    for (fan_in, fan_out), d in zip(zip(WIDTHS, WIDTHS[1:]), density):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(torch.tensor(rng.uniform(-limit, limit, (fan_in, fan_out)), dtype=torch.float32, requires_grad=True))
        biases.append(torch.zeros(fan_out, requires_grad=True))
        masks.append(torch.tensor(rng.random((fan_in, fan_out)) < d, dtype=torch.float32))
        if MASK == "grad":
            with torch.no_grad():
                weights[-1].mul_(masks[-1])
    opt = torch.optim.Adam(weights + biases, lr=1.2e-3)
    x_all = torch.tensor(rng.random((6500, 784), dtype=np.float32))
    y_all = torch.tensor(rng.integers(0, 10, 6500))
    cursor = 0

    def run(n):
        nonlocal cursor
        t = time.perf_counter()
        for _ in range(n):
            rows = torch.arange(cursor, cursor + BATCH) % len(x_all)
            cursor += BATCH
            h = x_all[rows]
            for i, (w, b, m) in enumerate(zip(weights, biases, masks)):
                h = h @ (w * m if MASK == "forward" else w) + b
                if i + 1 < len(weights):
                    h = torch.relu(h)
            loss = torch.nn.functional.cross_entropy(h, y_all[rows])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if MASK == "grad":
                for w, m in zip(weights, masks):
                    w.grad.mul_(m)
            opt.step()
        loss.item()
        return (time.perf_counter() - t) * 1000.0 / n

    run(max(per_block, 5))
    ms = sorted(run(per_block) for _ in range(blocks))
    print(json.dumps({"impl": "torch", "version": torch.__version__, "median_ms": ms[len(ms) // 2], "min_ms": ms[0],
                      "max_ms": ms[-1], "mask": MASK, "threads": THREADS, "batch": BATCH, "widths": WIDTHS, "layer_density": density}))


if __name__ == "__main__":
    density = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [0.8, 0.8, 0.9]
    main(density, int(os.environ.get("BENCH_BLOCKS", "15")), int(os.environ.get("BENCH_STEPS", "20")))
