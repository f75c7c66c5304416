#!/usr/bin/env python3
"""ONNX Runtime's latency of one batch-1 step of an exported model (`unfold export --format onnx`): one session run
on one step, the state passed in and carried out (x [1, 1], h0 and c0 [L, 1, H] in; logits, h_n, c_n out), on the CPU
execution provider, with the session's graph optimisations at their default (all). 2 s of warm-up, then 2 s timed
step by step, as tools/bench/torch_step_latency.py does. Arguments: the model file, intra-op threads."""
import sys
import time

import numpy as np
import onnxruntime as ort

path = sys.argv[1]
options = ort.SessionOptions()
options.intra_op_num_threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
options.inter_op_num_threads = 1
s = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
inputs = {i.name: i for i in s.get_inputs()}
rows, hidden = inputs["h0"].shape[0], inputs["h0"].shape[2]
vocab = int(s.get_modelmeta().custom_metadata_map["unfold.input_size"])
state = {"h0": np.zeros((rows, 1, hidden), np.float32)}
if "c0" in inputs:
    state["c0"] = np.zeros((rows, 1, hidden), np.float32)
rng = np.random.default_rng(1)
outputs = [o.name for o in s.get_outputs()]


def step():
    global state
    feeds = {"x": rng.integers(0, vocab, (1, 1), dtype=np.int64), **state}
    t0 = time.perf_counter_ns()
    out = dict(zip(outputs, s.run(None, feeds)))
    elapsed = time.perf_counter_ns() - t0
    state = {"h0": out["h_n"]} | ({"c0": out["c_n"]} if "c_n" in out else {})
    return elapsed


end = time.perf_counter() + 2
while time.perf_counter() < end:
    step()
times = []
end = time.perf_counter() + 2
while time.perf_counter() < end:
    times.append(step())
times.sort()
print(f"onnxruntime {ort.__version__} threads={options.intra_op_num_threads} steps={len(times)} "
      f"p50_us={times[len(times)//2]/1e3:.1f} p99_us={times[int(0.99*len(times))]/1e3:.1f}")
