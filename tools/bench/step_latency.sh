#!/usr/bin/env bash
# The latency of one batch-1 step of lstm_h256_b32_t64's model (embedding 64, LSTM 256, decoder to 65 symbols),
# the state carried from step to step, measured side by side in one run: Unfold's StepSession (`unfold bench
# --mode step`), PyTorch (one nn.LSTM call under torch.no_grad()), and ONNX Runtime (one session run of the model
# Unfold exports, from Python and from ONNX Runtime's Java API, tools/bench/OrtStepLatency.java). The ONNX model is made the way a user would: a PyTorch model of that shape with 64 characters
# (Unfold adds the unknown symbol: 65), `unfold import`, `unfold export --format onnx`.
# Usage: tools/bench/step_latency.sh [PYTHON]   (a Python with torch, numpy and onnxruntime; default python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root/tools/fixtures" && "$py" - "$work" <<'PY'
import json, sys, torch
from make_parity_fixtures import write_safetensors
torch.manual_seed(1)
chars = [chr(c) for c in range(ord("!"), ord("!") + 64)]
model = torch.nn.ModuleDict({"emb": torch.nn.Embedding(64, 64), "lstm": torch.nn.LSTM(64, 256), "dec": torch.nn.Linear(256, 64)})
write_safetensors(sys.argv[1] + "/state.safetensors", dict(model.state_dict()))
json.dump(chars, open(sys.argv[1] + "/vocab.json", "w"))
PY
)
"$root/unfold" import --torch "$work/state.safetensors" --vocab "$work/vocab.json" --out "$work/model" >/dev/null
"$root/unfold" export --model "$work/model" --format onnx --out "$work/model.onnx" >/dev/null
echo "unfold:      $("$root/unfold" bench lstm_h256_b32_t64 --mode step --seconds 2 | tr '\n' ' ')"
(cd "$root" && mvn -q -B dependency:copy -Dartifact=com.microsoft.onnxruntime:onnxruntime:1.24.2 -DoutputDirectory="$work" -Dstyle.color=never >/dev/null 2>&1)
for threads in 1 2; do
  echo "pytorch:     $("$py" "$root/tools/bench/torch_step_latency.py" "$threads")"
  echo "onnxruntime: $("$py" "$root/tools/bench/onnx_step_latency.py" "$work/model.onnx" "$threads")"
  echo "ort java:    $(java -cp "$work/onnxruntime-1.24.2.jar" "$root/tools/bench/OrtStepLatency.java" "$work/model.onnx" "$threads" 2>/dev/null)"
done
