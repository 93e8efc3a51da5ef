"""Read a ticket the lab exported as safetensors (PyTorch's pruning convention) with the safetensors package and
numpy alone, compute the nn.Sequential it describes on the given rows (the transformer: its forward pass written
out here, on the pairs a, b), and compare with the lab's logits.

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

modules = [k[: -len(".weight_orig")] for k in tensors if k.endswith(".weight_orig")]
for m in modules:
    orig, mask = tensors[f"{m}.weight_orig"], tensors[f"{m}.weight_mask"]
    assert set(np.unique(mask)) <= {0.0, 1.0}, "a mask holds only 0 and 1"
    assert not orig[mask == 0].any(), "a pruned weight is exactly 0"
    assert tensors[f"init.{m}.weight"].shape == orig.shape, "theta0 has the weight's shape"


def weight(m):
    """torch.nn.utils.prune: weight = weight_orig * weight_mask."""
    return tensors[f"{m}.weight_orig"] * tensors[f"{m}.weight_mask"]


def sequential(x):
    """nn.Sequential(Linear, ReLU, Linear, ReLU, …, Linear): the modules that hold weights, by index."""
    layers = sorted(int(m) for m in modules)
    h = x
    for n, m in enumerate(layers):
        h = h @ weight(m).T + tensors[f"{m}.bias"]  # nn.Linear: x @ weight.T + bias
        if n < len(layers) - 1:
            h = np.maximum(h, 0)
    return h


def transformer(pairs, heads):
    """The lab's modular-addition transformer, its parts [in, out]: the sequence a, b, "=", one attention layer read
    at "=" (heads split the width), a ReLU MLP, both added to the residual stream, the unembedding."""
    embedding, position = weight("embedding"), weight("position")
    p, d = embedding.shape[0] - 1, embedding.shape[1]
    dh, n = d // heads, len(pairs)
    equals = embedding[p] + position[2]
    stream = np.stack([embedding[pairs[:, 0]] + position[0], embedding[pairs[:, 1]] + position[1],
                       np.broadcast_to(equals, (n, d))], axis=1)
    query = (equals @ weight("query")).reshape(heads, dh)
    keys = (stream @ weight("key")).reshape(n, 3, heads, dh)
    values = (stream @ weight("value")).reshape(n, 3, heads, dh)
    scores = np.einsum("nthd,hd->nht", keys, query) / np.float32(np.sqrt(dh))
    attention = np.exp(scores - scores.max(axis=2, keepdims=True))
    attention /= attention.sum(axis=2, keepdims=True)
    context = np.einsum("nht,nthd->nhd", attention, values).reshape(n, d)
    resid = context @ weight("attention_out") + equals
    hidden = np.maximum(resid @ weight("mlp_in") + tensors["mlp_in.bias"], 0)
    resid = resid + hidden @ weight("mlp_out") + tensors["mlp_out.bias"]
    return resid @ weight("unembedding")


def modular_mlp(pairs):
    """The grokking-tickets paper's MLP, its matrices [in, out]: a's and b's embedding rows, each through the input
    projection, summed, ReLU, the output projection, the unembedding; no biases."""
    embedding = weight("embedding")
    hidden = embedding[pairs[:, 0]] @ weight("hidden_in") + embedding[pairs[:, 1]] @ weight("hidden_in")
    return np.maximum(hidden, 0) @ weight("hidden_out") @ weight("unembedding")


if "hidden_in" in modules:
    h = modular_mlp(np.array(case["x"], dtype=np.int64).reshape(-1, 2))
elif "embedding" in modules:
    h = transformer(np.array(case["x"], dtype=np.int64).reshape(-1, 2), int(meta["heads"]))
else:
    h = sequential(x)
want = np.array(case["logits"], dtype=np.float32).reshape(h.shape)
relative = float((np.abs(h - want) / np.maximum(np.abs(want), 1)).max())
same = bool((h.argmax(1) == want.argmax(1)).all())
kept = int(sum(tensors[f"{m}.weight_mask"].sum() for m in modules))
print(json.dumps({"rows": len(x), "kept": kept, "largest_relative_difference": relative, "same_predictions": same,
                  "link": meta.get("link")}))
sys.exit(0 if same and relative <= REL else 1)
