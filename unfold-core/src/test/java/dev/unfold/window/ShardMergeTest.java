package dev.unfold.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.unfold.graph.Role;
import dev.unfold.nn.Init;
import dev.unfold.nn.Parameter;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shards merge to the bits of the shard-by-shard sum, Σ_i (rows_i / B) g_i in order, however many there are. */
class ShardMergeTest {
    private static final Parameter P = Parameter.of("p", Shape.of(37), Init.uniform(1), Role.Part.BIAS);

    @Test
    void twoShardsInOnePassAndThreeShardByShardGiveTheOrderedSum() {
        Random rng = new Random(3);
        for (int[] rows : new int[][] {{16, 16}, {3, 2}, {2, 2, 1}}) {
            int batch = java.util.Arrays.stream(rows).sum();
            Gradients[] shards = new Gradients[rows.length];
            for (int i = 0; i < rows.length; i++) {
                shards[i] = new Gradients(List.of(P), DType.F32);
                float[] g = shards[i].f32(P);
                for (int j = 0; j < g.length; j++) {
                    g[j] = (float) rng.nextGaussian();
                }
            }
            float[] want = new float[37];
            for (int i = 0; i < rows.length; i++) {
                float w = (float) ((double) rows[i] / batch);
                for (int j = 0; j < want.length; j++) {
                    want[j] = i == 0 ? w * shards[i].f32(P)[j] : want[j] + w * shards[i].f32(P)[j];
                }
            }
            ShardMerge.gradients(shards[0], shards, rows, batch);
            assertArrayEquals(want, shards[0].f32(P), "rows " + java.util.Arrays.toString(rows));
        }
    }
}
