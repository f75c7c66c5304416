#!/usr/bin/env bash
# One run, one machine: `./unfold bench` against every peer (PyTorch on 1 and 2 threads, JAX, Keras in graph mode
# and with XLA, ONNX Runtime for inference) on the four reference configurations, train and infer; prints the
# date, the versions and the kernels each side runs, one line per configuration and mode with Unfold / best peer,
# and the peak resident memory of lstm_h512_b64_t128_l2 training for Unfold and PyTorch. The last column,
# Unfold with its opt-in bfloat16 products (--precision bf16), counts in no ratio (0 where the backend has none).
# Usage, from the project's root: TORCH_PY=PYTHON [TF_PY=PYTHON] tools/bench/side_by_side_all.sh [CONFIG...]
# (TORCH_PY: torch 2.x, onnxruntime and jax; TF_PY: tensorflow with keras 3; see tools/bench/peers/README.md.)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
peers="$root/tools/bench/peers"
TORCH_PY=${TORCH_PY:?python with torch 2.x, onnxruntime, jax}; TF_PY=${TF_PY:-}
cfgs=${*:-rnn_h100_b1_t25 lstm_h256_b32_t64 gru_h256_b32_t64 lstm_h512_b64_t128_l2}
tps() { sed -n "s/^name=$1 mode=$2 .*tokens_per_s=\([0-9.]*\).*/\1/p" | head -n 1; }
# peak_rss FILE COMMAND...: runs COMMAND (its output passes through) and writes its peak resident set as
# torch_peak_rss_kb=N to FILE (the kernel's count for the waited-for child, as GNU time's %M; no other tool needed).
peak_rss() {
  local file=$1; shift
  python3 -c 'import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("torch_peak_rss_kb=%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)' "$file" "$@"
}
cd "$root"
mkdir -p "$root/target"
rm -f "$root/target/torch-rss.txt"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
echo "unfold: $(./unfold info 2>/dev/null | grep -iE 'gemm|lstm gates|softmax|one-row product' | tr '\n' ';' | sed 's/;$//')"
echo "java: $(java -version 2>&1 | head -n 1)"
"$TORCH_PY" - <<'PY' 2>/dev/null
import importlib
for m in ("torch", "jax", "onnxruntime"):
    try:
        mod = importlib.import_module(m)
        extra = ""
        if m == "torch":
            extra = " (mkldnn %s, %s)" % (mod.backends.mkldnn.is_available(), mod.__config__.parallel_info().splitlines()[0] if hasattr(mod.__config__, "parallel_info") else "")
        print("%s: %s%s" % (m, mod.__version__, extra))
    except Exception as e:
        print("%s: not available (%s)" % (m, e))
PY
[ -n "$TF_PY" ] && "$TF_PY" -c 'import tensorflow as tf, keras; print("tensorflow:", tf.__version__, " keras:", keras.__version__)' 2>/dev/null
printf '%-24s %-5s %10s %10s %10s %10s %10s %10s %10s %8s %12s\n' config mode unfold torch1 torch2 jax keras1 kerasXLA ort best_peer_ratio unfold_bf16
for cfg in $cfgs; do
  for mode in train infer; do
    t1=$("$TORCH_PY" "$peers/torch/bench_train.py" --threads 1 --target-s 3 --only "$cfg" --modes $mode --no-wait 2>/dev/null | tps $cfg $mode)
    if [ "$cfg/$mode" = lstm_h512_b64_t128_l2/train ]; then
      t2=$(peak_rss "$root/target/torch-rss.txt" "$TORCH_PY" "$peers/torch/bench_train.py" --threads 2 --target-s 3 \
        --only "$cfg" --modes $mode --no-wait 2>/dev/null | tps $cfg $mode)
    else
      t2=$("$TORCH_PY" "$peers/torch/bench_train.py" --threads 2 --target-s 3 --only "$cfg" --modes $mode --no-wait 2>/dev/null | tps $cfg $mode)
    fi
    jx=$("$TORCH_PY" "$peers/jax/bench_jax.py" --threads 2 --target-s 3 --only "$cfg" --modes $mode --no-wait 2>/dev/null | tps $cfg $mode)
    k1=; kx=
    if [ -n "$TF_PY" ]; then
      k1=$("$TF_PY" "$peers/keras/bench_keras.py" --threads 1 --target-s 3 --only "$cfg" --modes $mode --no-wait 2>/dev/null | tps $cfg $mode)
      kx=$("$TF_PY" "$peers/keras/bench_keras.py" --threads 2 --xla --target-s 3 --only "$cfg" --modes $mode --no-wait 2>/dev/null | tps $cfg $mode)
    fi
    ox=; [ $mode = infer ] && ox=$("$TORCH_PY" "$peers/ort/bench_ort.py" --threads 2 --target-s 3 --only "$cfg" 2>/dev/null | tps $cfg infer)
    out=$(./unfold bench "$cfg" --mode $mode 2>&1)
    uf=$(echo "$out" | sed -n 's/.*tokens_per_s=\([0-9.]*\).*/\1/p' | tail -n 1)
    [ "$cfg/$mode" = lstm_h512_b64_t128_l2/train ] && ufrss=$(echo "$out" | sed -n 's/.*peak_rss_mb=\([0-9.]*\).*/\1/p' | tail -n 1)
    bf=$(./unfold bench "$cfg" --mode $mode --precision bf16 2>/dev/null | sed -n 's/^tokens_per_s=\([0-9.]*\)$/\1/p' | tail -n 1)
    best=$(python3 -c "print(max([float(v) for v in '${t1:-0} ${t2:-0} ${jx:-0} ${k1:-0} ${kx:-0} ${ox:-0}'.split()]))")
    printf '%-24s %-5s %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f %8.2f %12.0f\n' $cfg $mode ${uf:-0} ${t1:-0} ${t2:-0} ${jx:-0} ${k1:-0} ${kx:-0} ${ox:-0} \
      "$(python3 -c "print(${uf:-0}/$best if $best else 0)")" ${bf:-0}
  done
done
if [ -n "${ufrss:-}" ] && [ -f "$root/target/torch-rss.txt" ]; then
  echo "lstm_h512_b64_t128_l2 train peak RSS: unfold ${ufrss} MiB, pytorch (2 threads) $(( $(sed -n 's/^torch_peak_rss_kb=//p' "$root/target/torch-rss.txt") / 1024 )) MiB"
fi
