"""Run a ticket the lab exported as ONNX in ONNX Runtime on raw inputs, and compare with the lab's logits.

    python check_onnx.py TICKET.onnx CASE.json

CASE.json: {"features": n, "x": [rows × n raw inputs], "logits": [rows × outputs floats]}: the graph's one input
and one output, whatever the task names them (int64 tokens where the graph takes them: the transformer's pair). Prints one JSON line;
exits 1 if a prediction differs or a logit is off by more than 1e-5 (relative).
"""
import json
import sys

import numpy as np
import onnxruntime as ort

REL = 1e-5

path, case_path = sys.argv[1], sys.argv[2]
session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
meta = session.get_modelmeta().custom_metadata_map
case = json.load(open(case_path))
# A graph that takes tokens (the transformer's pair) gets the rows as int64.
dtype = np.int64 if session.get_inputs()[0].type == "tensor(int64)" else np.float32
x = np.array(case["x"]).astype(dtype).reshape(-1, case["features"])
input_name, output_name = session.get_inputs()[0].name, session.get_outputs()[0].name
(got,) = session.run([output_name], {input_name: x})
want = np.array(case["logits"], dtype=np.float32).reshape(got.shape)
relative = float((np.abs(got - want) / np.maximum(np.abs(want), 1)).max())
same = bool((got.argmax(1) == want.argmax(1)).all())
inputs = [(i.name, i.shape) for i in session.get_inputs()]
print(json.dumps({"rows": len(x), "largest_relative_difference": relative, "same_predictions": same,
                  "link": meta.get("link"), "inputs": inputs, "output": output_name,
                  "input_columns": meta.get("input_columns"),
                  "onnxruntime": ort.__version__}))
sys.exit(0 if same and relative <= REL else 1)
