package dev.unfold.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A sequence's outputs, final states and gradients do not depend on what else shares its batch: each row
 * of a padded batch gives what the row gives alone over its own length, padded outputs are exactly zero,
 * and the batch's parameter gradients are the sum of the rows' (the loss is a sum over rows).
 */
class PaddingInvarianceProperties {
    private static final double TOLERANCE = 1e-10;

    @Property(tries = 40, seed = "20261201")
    void eachRowIsItsOwnSequence(@ForAll CellType cell, @ForAll @IntRange(min = 1, max = 2) int layers, @ForAll boolean bidirectional,
            @ForAll @IntRange(min = 1, max = 6) int steps, @ForAll @IntRange(min = 1, max = 4) int batch, @ForAll long seed) {
        RecurrentSpec spec = new RecurrentSpec(cell, 3, 4, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        Random rng = new Random(seed);
        Weights w = Weights.initial(new RecurrentNetwork(spec).parameters(), InitScheme.PYTORCH, seed, DType.F64);
        int states = layers * spec.directions().count();
        Tensor x = Tensor.uniform(DType.F64, Shape.of(steps, batch, 3), -1, 1, rng);
        Tensor h0 = Tensor.uniform(DType.F64, Shape.of(states, batch, 4), -1, 1, rng);
        Optional<Tensor> c0 = cell == CellType.LSTM ? Optional.of(Tensor.uniform(DType.F64, Shape.of(states, batch, 4), -1, 1, rng)) : Optional.empty();
        Tensor r = Tensor.uniform(DType.F64, Shape.of(steps, batch, spec.outputSize()), -1, 1, rng);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + rng.nextInt(steps);
        }
        RecurrentEvaluation.Result all = RecurrentEvaluation.run(new RecurrentEvaluation.Request(spec, w, x, Optional.of(h0), c0, Optional.of(r),
                Optional.of(SequenceLengths.of(steps, lengths))), DType.F64);

        Map<String, Tensor> summed = new HashMap<>();
        for (int row = 0; row < batch; row++) {
            int b = row;
            int n = lengths[b];
            RecurrentEvaluation.Result alone = RecurrentEvaluation.run(new RecurrentEvaluation.Request(spec, w, row(x, b, n), Optional.of(row(h0, b, states)),
                    c0.map(c -> row(c, b, states)), Optional.of(row(r, b, n))), DType.F64);
            assertClose(alone.output(), row(all.output(), b, n), "output of row " + b);
            Tensor padding = rowTail(all.output(), b, n);
            for (int i = 0; i < padding.size(); i++) {
                assertTrue(padding.get(i) == 0, "padded output of row " + b + " is " + padding.get(i));
            }
            assertClose(alone.hN(), row(all.hN(), b, states), "h_n of row " + b);
            if (c0.isPresent()) {
                assertClose(alone.cN().orElseThrow(), row(all.cN().orElseThrow(), b, states), "c_n of row " + b);
            }
            assertClose(alone.gradients().get("grad.input"), row(all.gradients().get("grad.input"), b, n), "grad.input of row " + b);
            assertClose(alone.gradients().get("grad.h0"), row(all.gradients().get("grad.h0"), b, states), "grad.h0 of row " + b);
            for (Map.Entry<String, Tensor> e : alone.gradients().entrySet()) {
                if (isParameter(e.getKey())) {
                    summed.merge(e.getKey(), e.getValue(), PaddingInvarianceProperties::plus);
                }
            }
        }
        for (Map.Entry<String, Tensor> e : all.gradients().entrySet()) {
            if (isParameter(e.getKey())) {
                assertClose(summed.get(e.getKey()), e.getValue(), e.getKey() + " as the sum over rows");
            }
        }
    }

    /** The first {@code n} entries along the first axis of row {@code b} of a (N, B, K) tensor, as (n, 1, K). */
    static Tensor row(Tensor t, int b, int n) {
        int rows = t.shape().dim(1);
        int k = t.shape().dim(2);
        return Tensor.generate(t.dtype(), Shape.of(n, 1, k), i -> t.get(((i / k) * rows + b) * k + i % k));
    }

    private static Tensor rowTail(Tensor t, int b, int from) {
        int steps = t.shape().dim(0);
        int rows = t.shape().dim(1);
        int k = t.shape().dim(2);
        return Tensor.generate(t.dtype(), Shape.of(steps - from, 1, k), i -> t.get((((i / k) + from) * rows + b) * k + i % k));
    }

    private static boolean isParameter(String gradient) {
        return gradient.startsWith("grad.weight") || gradient.startsWith("grad.bias");
    }

    private static Tensor plus(Tensor a, Tensor b) {
        return Tensor.generate(a.dtype(), a.shape(), i -> a.get(i) + b.get(i));
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(Math.abs(expected.get(i) - actual.get(i)) <= TOLERANCE * Math.max(1, Math.abs(expected.get(i))),
                    what + " at " + i + ": " + actual.get(i) + " against " + expected.get(i));
        }
    }
}
