#!/usr/bin/env bash
# Peak memory and speed of BPTT against the window length T, full and memory-bounded, on lstm_h256_b32_t64's model
# (LSTM 256, batch 32), each run a process of its own (peak resident memory is the process's): `unfold bench
# lstm_h256_b32_t64 --seq T [--memory-budget B]`. Full BPTT is run where it fits; its refusal is printed where not.
# Usage: tools/bench/long_sequences.sh [T:BUDGET ...]   (default: the table of docs/PERFORMANCE.md)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=("$@")
[ ${#runs[@]} -eq 0 ] && runs=(100:full 100:7M 1000:full 1000:60M 10000:full 10000:256M 100000:full 100000:512M)
printf '%-8s %-8s %12s %12s  %s\n' T budget tokens_per_s peak_rss_mb plan
for run in "${runs[@]}"; do
  t="${run%%:*}"; b="${run#*:}"
  flags=(--seq "$t" --repetitions 1 --seconds 10)
  [ "$b" != full ] && flags+=(--memory-budget "$b")
  out="$("$root/unfold" bench lstm_h256_b32_t64 "${flags[@]}" 2>&1)"
  tps="$(echo "$out" | sed -n 's/^tokens_per_s=//p' | tail -1)"
  rss="$(echo "$out" | sed -n 's/^peak_rss_mb=//p' | tail -1)"
  plan="$(echo "$out" | sed -n 's/^memory_plan=memory budget [^:]*: //p')"
  [ -z "$tps" ] && plan="$(echo "$out" | grep -m1 'error' | cut -c1-160)"
  printf '%-8s %-8s %12s %12s  %s\n' "$t" "$b" "${tps:--}" "${rss:--}" "$plan"
done
