"""The machine's measured f32 matmul peak (numpy's BLAS, BENCH_THREADS
threads), for the theoretical floor of a training step. One JSON line."""
import json
import os
import time

THREADS = os.environ.get("BENCH_THREADS", "1")
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import numpy as np  # noqa: E402

n = 1024
a = np.random.default_rng(0).random((n, n), dtype=np.float32)
b = np.random.default_rng(1).random((n, n), dtype=np.float32)
a @ b
times = []
for _ in range(10):
    t = time.perf_counter()
    a @ b
    times.append(time.perf_counter() - t)
times.sort()
gflops = 2 * n**3 / times[0] / 1e9
print(json.dumps({"matmul_gflops": gflops, "n": n, "threads": int(THREADS), "numpy": np.__version__}))
