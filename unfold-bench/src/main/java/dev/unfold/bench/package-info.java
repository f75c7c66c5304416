/** JMH benchmarks of Unfold's kernels against OpenBLAS's sgemm, measured in the same run. */
package dev.unfold.bench;
