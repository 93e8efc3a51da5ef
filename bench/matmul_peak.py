"""The machine's measured f32 matmul peak (numpy's BLAS, BENCH_THREADS
threads), for the theoretical floor of a training step. One JSON line, with
the kernel OpenBLAS picked (threadpoolctl): `make bench` runs this with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, which this machine sets and
which hold OpenBLAS to its Haswell kernels (~124 against ~230 GFLOP/s)."""
import json
import os
import time

THREADS = os.environ.get("BENCH_THREADS", "1")
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import numpy as np  # noqa: E402

try:
    from threadpoolctl import threadpool_info
    blas = next((i for i in threadpool_info() if i.get("user_api") == "blas"), {})
    kernel = f"{blas.get('internal_api', '?')} {blas.get('version', '')} {blas.get('architecture', '')}".strip()
except ImportError:
    kernel = "unknown (no threadpoolctl)"

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
print(json.dumps({"matmul_gflops": gflops, "n": n, "threads": int(THREADS), "numpy": np.__version__, "kernel": kernel,
                  "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}))
