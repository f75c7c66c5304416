/**
 * Files: the safetensors tensor format ({@link dev.unfold.io.SafeTensors}) and atomic writes
 * ({@link dev.unfold.io.AtomicFiles}): write a temporary file, then rename it over the target, so a crash
 * never leaves a half-written file where a good one was. May import {@code tensor} and {@code nn}.
 */
package dev.unfold.io;
