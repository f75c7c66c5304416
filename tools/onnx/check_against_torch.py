#!/usr/bin/env python3
"""Check `unfold export` against PyTorch and a second ONNX Runtime, outside the Java build.

For each PyTorch character model made by tools/fixtures/make_torch_char_models.py, given the folder `unfold import`
made of it and the files `unfold export` wrote (standard form, and the unfolded form over the text's length), this
runs onnx.checker (full check), then ONNX Runtime (the Python wheel's version) on the text with random initial
states, and compares logits, h_n and c_n with PyTorch's own module on the same input, to 1e-4 (relative above 1: float32 over a 120-step text, two
implementations of float32 arithmetic apart). Unfold's vocabulary has the
unknown symbol at index 0, so token i of PyTorch is i + 1 in ONNX and logits[..., 1:] are PyTorch's.

    python3 tools/onnx/check_against_torch.py FIXTURE_DIR STANDARD.onnx [UNFOLDED.onnx]
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch

sys.path.insert(0, "tools/fixtures")
from make_torch_char_models import Embedded, OneHot  # noqa: E402


def main():
    fixture, files = sys.argv[1], sys.argv[2:]
    chars = json.load(open(fixture + "/vocab.json", encoding="utf-8"))
    text = open(fixture + "/text.txt", encoding="utf-8").read()
    state = read_safetensors(fixture + "/state.safetensors")
    relu = "rnn_relu" in open(fixture + "/args.txt").read()
    model = rebuild(state, len(chars), relu)
    ids = torch.tensor([chars.index(c) for c in text]).unsqueeze(1)
    rnn = model.core if hasattr(model, "core") else model.rnn
    rows = rnn.num_layers * (2 if rnn.bidirectional else 1)
    g = torch.Generator().manual_seed(5)
    h0 = torch.rand(rows, 1, rnn.hidden_size, generator=g) * 2 - 1
    c0 = torch.rand(rows, 1, rnn.hidden_size, generator=g) * 2 - 1
    with torch.no_grad():
        x = model.enc(ids) if hasattr(model, "enc") else torch.nn.functional.one_hot(ids, len(chars)).float()
        y, hn = rnn(x, (h0, c0) if isinstance(rnn, torch.nn.LSTM) else h0)
        logits = (model.head if hasattr(model, "head") else model.out)(y)
    expected = {"logits": logits.numpy(), "h_n": (hn[0] if isinstance(hn, tuple) else hn).numpy()}
    if isinstance(rnn, torch.nn.LSTM):
        expected["c_n"] = hn[1].numpy()
    for f in files:
        onnx.checker.check_model(onnx.load(f), full_check=True)
        s = ort.InferenceSession(f, providers=["CPUExecutionProvider"])
        feeds = {"x": (ids + 1).numpy().astype(np.int64), "h0": h0.numpy()}
        if "c0" in [i.name for i in s.get_inputs()]:
            feeds["c0"] = c0.numpy()
        got = dict(zip([o.name for o in s.get_outputs()], s.run(None, feeds)))
        got["logits"] = got["logits"][..., 1:]
        worst = max((np.abs(got[k] - e) / np.maximum(1, np.abs(e))).max() for k, e in expected.items())
        meta = {p.key: p.value for p in onnx.load(f).metadata_props}
        print(f"{f}: onnx {onnx.__version__} check passed; onnxruntime {ort.__version__} against torch {torch.__version__}: "
              f"largest difference {worst:.2e} (relative above 1); vocabulary in metadata: {json.loads(meta['vocabulary'])[1:] == chars}")
        if worst > 1e-4:
            sys.exit(1)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        dtype = {"F32": np.float32, "F64": np.float64}[v["dtype"]]
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype=dtype).reshape(v["shape"]).copy())
    return out


def rebuild(state, vocab, relu):
    kind = {4: "LSTM", 3: "GRU", 1: "RNN"}
    if "enc.weight" in state:
        w = state["core.weight_ih_l0"]
        hidden = state["core.weight_hh_l0"].shape[1]
        layers = 1 + max(int(k.split("_l")[1].split("_")[0]) for k in state if k.startswith("core.weight_ih_l"))
        bi = any(k.endswith("_reverse") for k in state)
        extra = {"nonlinearity": "relu"} if relu else {}
        m = Embedded(kind[w.shape[0] // hidden], vocab, state["enc.weight"].shape[1], hidden, layers, bi, **extra)
    else:
        w = state["rnn.weight_ih_l0"]
        hidden = state["rnn.weight_hh_l0"].shape[1]
        layers = 1 + max(int(k.split("_l")[1].split("_")[0]) for k in state if k.startswith("rnn.weight_ih_l"))
        bi = any(k.endswith("_reverse") for k in state)
        m = OneHot(kind[w.shape[0] // hidden], vocab, hidden, layers, bi, **({"nonlinearity": "relu"} if relu else {}))
    m.load_state_dict(state)
    return m.eval()


if __name__ == "__main__":
    main()
