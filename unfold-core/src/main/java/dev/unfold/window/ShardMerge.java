package dev.unfold.window;

import dev.unfold.nn.Parameter;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;

/**
 * How shards of a batch merge into what the whole batch gives: the loss and the gradients are means over the
 * batch, so the whole batch's are the shards' weighted by their share of rows, summed shard by shard in order (the
 * order fixes the rounding, so the same shards merge to the same bits wherever they ran).
 */
public final class ShardMerge {
    private ShardMerge() {
    }

    /** The gradient of the whole batch: Σ_i (rows_i / B) g_i, shard by shard in order; the first shard's may be {@code into}. */
    public static void gradients(Gradients into, Gradients[] shards, int[] rows, int batch) {
        for (Parameter p : into.parameters()) {
            if (into.dtype() == DType.F32 && shards.length == 2) {
                pair(into.f32(p), shards[0].f32(p), shards[1].f32(p), (float) ((double) rows[0] / batch), (float) ((double) rows[1] / batch));
            } else if (into.dtype() == DType.F32) {
                float[] dst = into.f32(p);
                for (int i = 0; i < shards.length; i++) {
                    float w = (float) ((double) rows[i] / batch);
                    float[] g = shards[i].f32(p);
                    if (i == 0) {
                        for (int j = 0; j < dst.length; j++) {
                            dst[j] = w * g[j];
                        }
                    } else {
                        for (int j = 0; j < dst.length; j++) {
                            dst[j] += w * g[j];
                        }
                    }
                }
            } else {
                double[] dst = into.f64(p);
                for (int i = 0; i < shards.length; i++) {
                    double w = (double) rows[i] / batch;
                    double[] g = shards[i].f64(p);
                    for (int j = 0; j < dst.length; j++) {
                        dst[j] = i == 0 ? w * g[j] : dst[j] + w * g[j];
                    }
                }
            }
        }
    }

    /** Two shards in one pass, the same sums as shard by shard: {@code a} may be {@code dst}, read at the index written. */
    private static void pair(float[] dst, float[] a, float[] b, float wa, float wb) {
        for (int j = 0; j < dst.length; j++) {
            dst[j] = wa * a[j] + wb * b[j];
        }
    }
}
