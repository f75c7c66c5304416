package dev.unfold.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.graph.Role;
import dev.unfold.nn.Init;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer on a hand-computed case: θ = (1, −2), gradients (0.5, −1) then (0.1, 0.2), lr = 0.1.
 * The expected values were worked out from the published update rules (see each class's Javadoc).
 */
class OptimizerFormulaTest {
    private static final double[] THETA = {1.0, -2.0};
    private static final double[] G1 = {0.5, -1.0};
    private static final double[] G2 = {0.1, 0.2};
    private static final double LR = 0.1;
    private static final double TOLERANCE = 1e-9;
    private static final Parameter W = Parameter.of("w", Shape.of(2), Init.uniform(1), Role.Part.HIDDEN_WEIGHT);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new Sgd(0, Sgd.Momentum.HEAVY_BALL, 0), new double[] {0.95, -1.9}, new double[] {0.94, -1.92}),
                Arguments.of(new Sgd(0.9, Sgd.Momentum.HEAVY_BALL, 0), new double[] {0.95, -1.9}, new double[] {0.895, -1.83}),
                Arguments.of(new Sgd(0.9, Sgd.Momentum.NESTEROV, 0), new double[] {0.905, -1.81}, new double[] {0.8455, -1.767}),
                Arguments.of(new Sgd(0, Sgd.Momentum.HEAVY_BALL, 0.5), new double[] {0.9, -1.8}, new double[] {0.845, -1.73}),
                Arguments.of(new Adagrad(), new double[] {0.90000000002, -1.90000000001}, new double[] {0.8803883865100278, -1.9196116135218952}),
                Arguments.of(new RmsProp(), new double[] {1.9999996003772225e-07, -1.00000009999999}, new double[] {-0.19706561679795484, -1.1970659362153748}),
                Arguments.of(new Adam(), new double[] {0.9000000019999999, -1.900000001}, new double[] {0.8196959063846516, -1.8488973939904945}),
                Arguments.of(new Adam(0.01), new double[] {0.8990000019999999, -1.898000001}, new double[] {0.8177969063826516, -1.8449993939894944}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twoStepsMatchTheFormula(Optimizer opt, double[] first, double[] second) {
        Weights p = weights(THETA, DType.F64);
        p = opt.step(p, grads(G1, DType.F64), LR);
        assertArrayEquals(first, p.get(W).toDoubleArray(), TOLERANCE, "after step 1");
        p = opt.step(p, grads(G2, DType.F64), LR);
        assertArrayEquals(second, p.get(W).toDoubleArray(), TOLERANCE, "after step 2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stateRoundTripContinuesIdentically(Optimizer opt) {
        Weights p = opt.step(weights(THETA, DType.F64), grads(G1, DType.F64), LR);
        OptimizerState saved = opt.state();
        Weights straight = opt.step(p, grads(G2, DType.F64), LR);
        opt.reset();
        opt.restore(saved);
        Weights resumed = opt.step(p, grads(G2, DType.F64), LR);
        assertArrayEquals(straight.get(W).toDoubleArray(), resumed.get(W).toDoubleArray(), 0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32ParametersKeepFloat32SlotsAndTakeSavedFloat64Ones(Optimizer opt) {
        Weights p = opt.step(weights(THETA, DType.F32), grads(G1, DType.F32), LR);
        OptimizerState saved = opt.state();
        org.junit.jupiter.api.Assertions.assertTrue(saved.slots().values().stream().allMatch(t -> t.dtype() == DType.F32), "slots in the parameter's precision");
        Map<OptimizerState.Slot, Tensor> widened = new HashMap<>();
        saved.slots().forEach((k, v) -> widened.put(k, v.to(DType.F64)));
        Weights straight = opt.step(p, grads(G2, DType.F32), LR);
        opt.reset();
        opt.restore(new OptimizerState(saved.optimizer(), saved.steps(), widened));
        Weights resumed = opt.step(p, grads(G2, DType.F32), LR);
        assertArrayEquals(straight.get(W).toDoubleArray(), resumed.get(W).toDoubleArray(), 0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32ParametersFollowTheSameFormula(Optimizer opt, double[] first, double[] second) {
        Weights p = weights(THETA, DType.F32);
        p = opt.step(p, grads(G1, DType.F32), LR);
        assertArrayEquals(first, p.get(W).toDoubleArray(), 1e-6, "after step 1");
        p = opt.step(p, grads(G2, DType.F32), LR);
        assertArrayEquals(second, p.get(W).toDoubleArray(), 1e-6, "after step 2");
    }

    @Test
    void clippingByGlobalNormScalesAllGradientsTogether() {
        Parameter a = Parameter.of("a", Shape.of(2), Init.uniform(1), Role.Part.BIAS);
        Parameter b = Parameter.of("b", Shape.of(2), Init.uniform(1), Role.Part.BIAS);
        Gradients g = Gradients.of(Map.of(a, vec(new double[] {3, 0}), b, vec(new double[] {0, 4})));
        Clipping.byNorm(1.0).apply(g, g.globalNorm());
        assertEquals(1.0, g.globalNorm(), 1e-6);
        assertArrayEquals(new double[] {0.6, 0}, g.copyOf(a).toDoubleArray(), 1e-6);
        Gradients same = Gradients.of(Map.of(a, vec(new double[] {3, 0}), b, vec(new double[] {0, 4})));
        Clipping.byNorm(10.0).apply(same, same.globalNorm());
        assertArrayEquals(new double[] {3, 0}, same.copyOf(a).toDoubleArray(), 0, "below the threshold nothing changes");
        Clipping.byValue(1).apply(same, same.globalNorm());
        assertArrayEquals(new double[] {1, 0}, same.copyOf(a).toDoubleArray(), 0);
    }

    /** The norm in eight chains is the norm: float32 gradients of every length against one exact sum. */
    @Test
    void theGlobalNormOfLongFloatGradientsIsTheirNorm() {
        java.util.Random rng = new java.util.Random(5);
        for (int n : new int[] {1, 7, 8, 9, 1003}) {
            Parameter a = Parameter.of("a", Shape.of(n), Init.uniform(1), Role.Part.BIAS);
            Parameter b = Parameter.of("b", Shape.of(3), Init.uniform(1), Role.Part.BIAS);
            Gradients g = new Gradients(java.util.List.of(a, b), DType.F32);
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            for (Parameter p : java.util.List.of(a, b)) {
                float[] x = g.f32(p);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rng.nextGaussian();
                    exact = exact.add(new java.math.BigDecimal((double) x[i] * x[i]));
                }
            }
            double want = Math.sqrt(exact.doubleValue());
            assertEquals(want, g.globalNorm(), 1e-14 * want, "length " + n);
        }
    }

    @Test
    void restoringASlotOfAnotherShapeFails() {
        Optimizer opt = new Adam();
        OptimizerState bad = new OptimizerState("adam", 1, Map.of(new OptimizerState.Slot("exp_avg", W), vec(new double[] {1, 2, 3})));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> opt.restore(bad));
    }

    @Test
    void schedules() {
        assertEquals(0.1, new LearningRateSchedule.Constant(0.1).at(1000));
        LearningRateSchedule.StepDecay step = new LearningRateSchedule.StepDecay(0.1, 10, 0.5);
        assertEquals(0.1, step.at(9), 1e-15);
        assertEquals(0.05, step.at(10), 1e-15);
        LearningRateSchedule.CosineWithWarmup cos = new LearningRateSchedule.CosineWithWarmup(1.0, 10, 110, 0.0);
        assertEquals(0.1, cos.at(0), 1e-15);
        assertEquals(1.0, cos.at(10), 1e-15);
        assertEquals(0.5, cos.at(60), 1e-12);
        assertEquals(0.0, cos.at(110), 1e-12);
    }

    private static Tensor vec(double[] v) {
        return Tensor.wrap(Shape.of(v.length), v.clone());
    }

    private static Weights weights(double[] v, DType dtype) {
        return Weights.of(Map.of(W, vec(v).to(dtype)));
    }

    private static Gradients grads(double[] v, DType dtype) {
        return Gradients.of(Map.of(W, vec(v).to(dtype)));
    }
}
