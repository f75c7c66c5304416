#!/usr/bin/env bash
# Runs `unfold bench` on the four reference configurations, then PyTorch's reference script on the same
# ones, one after the other, and prints one line per configuration and mode with both medians.
# Usage: tools/bench/side-by-side.sh PATH/TO/torch-bench/bench_train.py [unfold bench flags...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
torch_script="${1:?usage: side-by-side.sh PATH/TO/bench_train.py [unfold bench flags...]}"
shift
configs=(rnn_h100_b1_t25 lstm_h256_b32_t64 gru_h256_b32_t64 lstm_h512_b64_t128_l2)
declare -A ours theirs rss
kernels="$("$root/unfold" info 2>/dev/null | sed -n 's/^gemm (float32, active): //p')"
torch_kernels="$(/usr/bin/python3 -c 'import torch, ctypes; l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p; print("torch", torch.__version__, "over openblas,", l.openblas_get_corename().decode(), "kernels")' 2>/dev/null || echo unknown)"
for c in "${configs[@]}"; do
  for m in train infer; do
    out="$("$root/unfold" bench "$c" --mode "$m" "$@" 2>/dev/null)"
    ours[$c/$m]="$(echo "$out" | sed -n 's/^tokens_per_s=//p' | tail -1)"
    rss[$c/$m]="$(echo "$out" | sed -n 's/^peak_rss_mb=//p' | tail -1)"
  done
done
only="$(IFS=,; echo "${configs[*]}")"
while read -r line; do
  name="$(echo "$line" | sed -n 's/^name=\([^ ]*\).*/\1/p')"
  mode="$(echo "$line" | sed -n 's/.* mode=\([^ ]*\).*/\1/p')"
  tps="$(echo "$line" | sed -n 's/.* tokens_per_s=\([0-9.]*\).*/\1/p')"
  [ -n "$name" ] && theirs[$name/$mode]="${tps%.*}"
done < <(/usr/bin/python3 "$torch_script" --threads 1 --modes train,infer --reps 5 --target-s 3 --only "$only" 2>/dev/null | grep '^name=')
echo "unfold: $kernels"
echo "pytorch: $torch_kernels"
printf '%-24s %-6s %12s %12s %7s %9s\n' configuration mode unfold pytorch ratio peak_mb
for c in "${configs[@]}"; do
  for m in train infer; do
    u="${ours[$c/$m]:-}"; p="${theirs[$c/$m]:-}"
    ratio="$(awk -v u="$u" -v p="$p" 'BEGIN { if (u > 0 && p > 0) printf "%.2fx", u / p; else print "-" }')"
    printf '%-24s %-6s %12s %12s %7s %9s\n' "$c" "$m" "${u:--}" "${p:--}" "$ratio" "${rss[$c/$m]:--}"
  done
done
