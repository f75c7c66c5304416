#!/bin/bash
# The machine's ceilings, for the roofline in docs/PERFORMANCE.md: the cores' float32 FMA peak (tools/bench/fma_peak.c,
# 16 independent chains of FMAs per thread on the widest vectors the cores have, on 1 and 2 threads) and sgemm GFLOP/s on two threads at large
# sizes with oneDNN and OpenBLAS (JMH, unfold-bench; build it first with `mvn -B -DskipTests package`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$root/target"
gcc -O3 -march=native -pthread -o "$root/target/fma_peak" "$root/tools/bench/fma_peak.c"
"$root/target/fma_peak" 1 3
"$root/target/fma_peak" 2 3
java -jar "$root/unfold-bench/target/unfold-benchmarks.jar" "GemmBenchmark.(openBlasDirectCeiling|oneDnnDirect)$" \
    -p shape=512x512x512,1024x1024x1024,2048x2048x2048 -f 1 -wi 3 -i 5 -w 1 -r 1 2>/dev/null | grep -E "^GemmBenchmark" |
  awk '{ split($2, s, "x"); printf "%s %s %.1f GFLOP/s (%s us/op)\n", $1, $2, 2 * s[1] * s[2] * s[3] / ($5 * 1e3), $5 }'
