#!/bin/bash
# Combining the partitions' gradients: collect and a driver-side sum (SparkRunner) against treeAggregate, measured
# side by side in one run for the parameter counts of lstm_h256_b32_t64 and lstm_h512_b64_t128_l2 on 2 and 4
# partitions. Needs the Spark module built once (./unfold train --spark ... builds it, or see docs/SCALE-OUT.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cp_file="$root/unfold-spark/target/spark.classpath"
[ -f "$cp_file" ] || { echo "spark_combine.sh: build the Spark module first (./unfold train --spark 'local[2]' ...)" >&2; exit 2; }
opens="$(sed -n 's:.*<spark.java.options>\(.*\)</spark.java.options>.*:\1:p' "$root/unfold-spark/pom.xml")"
out="$root/target/bench-classes"
mkdir -p "$out"
javac -d "$out" -cp "$(cat "$cp_file")" "$root/tools/bench/SparkCombine.java"
for floats in 351000 3510000; do
  for parts in 2 4; do
    java $opens -cp "$out:$(cat "$cp_file")" SparkCombine "$floats" "$parts" "${REPS:-30}" 'local[2]' 2>/dev/null
  done
done
