"""Read a ticket the lab exported as safetensors (PyTorch's pruning convention) with the safetensors package and
numpy alone, compute the nn.Sequential it describes on the given rows, and compare with the lab's logits.

    python check_safetensors.py TICKET.safetensors CASE.json

CASE.json: {"features": n, "x": [rows × n floats], "logits": [rows × classes floats]} from the lab. Prints one JSON
line; exits 1 if a prediction differs or a logit is off by more than 1e-5 (relative).
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

REL = 1e-5

path, case_path = sys.argv[1], sys.argv[2]
tensors = load_file(path)
with safe_open(path, "np") as f:
    meta = f.metadata()
assert meta["format"] == "lottery-ticket-lab/torch-prune", meta
case = json.load(open(case_path))
x = np.array(case["x"], dtype=np.float32).reshape(-1, case["features"])

# nn.Sequential(Linear, ReLU, Linear, ReLU, …, Linear): the modules that hold weights, by index.
modules = sorted({int(k.split(".")[0]) for k in tensors if k[0].isdigit()})
h = x
for n, m in enumerate(modules):
    orig, mask = tensors[f"{m}.weight_orig"], tensors[f"{m}.weight_mask"]
    assert set(np.unique(mask)) <= {0.0, 1.0}, "a mask holds only 0 and 1"
    assert not orig[mask == 0].any(), "a pruned weight is exactly 0"
    assert tensors[f"init.{m}.weight"].shape == orig.shape, "theta0 has the weight's shape"
    # torch.nn.utils.prune: weight = weight_orig * weight_mask; nn.Linear: x @ weight.T + bias.
    h = h @ (orig * mask).T + tensors[f"{m}.bias"]
    if n < len(modules) - 1:
        h = np.maximum(h, 0)
want = np.array(case["logits"], dtype=np.float32).reshape(h.shape)
relative = float((np.abs(h - want) / np.maximum(np.abs(want), 1)).max())
same = bool((h.argmax(1) == want.argmax(1)).all())
kept = int(sum(tensors[f"{m}.weight_mask"].sum() for m in modules))
print(json.dumps({"rows": len(x), "kept": kept, "largest_relative_difference": relative, "same_predictions": same,
                  "link": meta.get("link")}))
sys.exit(0 if same and relative <= REL else 1)
