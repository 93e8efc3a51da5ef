"""The LeNet-300-100 training step of `lottery bench-step`, in JAX (jit, CPU).

Same network (784-300-100-10, ReLU, Glorot-uniform), batch 60, cross-entropy,
Adam (lr 1.2e-3), the same per-layer mask densities and the same mask
handling as the engine (BENCH_MASK=grad, the default: weights start as θ ⊙ m
and the gradient is multiplied by m before Adam; BENCH_MASK=forward: the
mask multiplies the weights in the forward pass), a fresh batch gathered on
the host each step, and the same thread count. Prints one JSON line.
"""
import json
import os
import sys
import time

THREADS = int(os.environ.get("BENCH_THREADS", "1"))
os.environ["XLA_FLAGS"] = (
    f"--xla_cpu_multi_thread_eigen={'true' if THREADS > 1 else 'false'} intra_op_parallelism_threads={THREADS}"
)
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

WIDTHS = [784, 300, 100, 10]
BATCH = 60
MASK = os.environ.get("BENCH_MASK", "grad")


def main(density, blocks, per_block):
    rng = np.random.default_rng(0)
    params, masks = [], []
    for (fan_in, fan_out), d in zip(zip(WIDTHS, WIDTHS[1:]), density):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params.append((rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32), np.zeros(fan_out, np.float32)))
        masks.append((rng.random((fan_in, fan_out)) < d).astype(np.float32))
    if MASK == "grad":
        params = [(w * m, b) for (w, b), m in zip(params, masks)]
    params = jax.tree_util.tree_map(jnp.asarray, params)
    masks = [jnp.asarray(m) for m in masks]
    x_all = rng.random((6500, 784), dtype=np.float32)
    y_all = rng.integers(0, 10, 6500)

    def loss_fn(params, masks, x, y):
        h = x
        for i, ((w, b), m) in enumerate(zip(params, masks)):
            h = h @ (w * m if MASK == "forward" else w) + b
            if i + 1 < len(params):
                h = jax.nn.relu(h)
        return -jnp.mean(jnp.sum(jax.nn.log_softmax(h) * y, axis=1))

    opt = optax.adam(1.2e-3)
    state = opt.init(params)

    @jax.jit
    def step(params, state, masks, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, masks, x, y)
        if MASK == "grad":
            grads = [(gw * m, gb) for (gw, gb), m in zip(grads, masks)]
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    cursor = 0

    def run(n):
        nonlocal params, state, cursor
        t = time.perf_counter()
        for _ in range(n):
            rows = np.arange(cursor, cursor + BATCH) % len(x_all)
            cursor += BATCH
            x = x_all[rows]
            y = np.eye(10, dtype=np.float32)[y_all[rows]]
            params, state, loss = step(params, state, masks, x, y)
        loss.block_until_ready()
        return (time.perf_counter() - t) * 1000.0 / n

    run(max(per_block, 5))  # compile and warm up
    ms = sorted(run(per_block) for _ in range(blocks))
    print(json.dumps({"impl": "jax", "version": jax.__version__, "median_ms": ms[len(ms) // 2], "min_ms": ms[0],
                      "max_ms": ms[-1], "mask": MASK, "threads": THREADS, "batch": BATCH, "widths": WIDTHS, "layer_density": density}))


if __name__ == "__main__":
    density = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [0.8, 0.8, 0.9]
    main(density, int(os.environ.get("BENCH_BLOCKS", "15")), int(os.environ.get("BENCH_STEPS", "20")))
