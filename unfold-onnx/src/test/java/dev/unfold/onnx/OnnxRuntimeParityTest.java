package dev.unfold.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every exported model run in ONNX Runtime agrees with Unfold's reference interpreter to 1e-5, outputs and final
 * states: every cell, one layer and two, one direction and two, one-hot codes, embeddings and feature vectors,
 * outputs at every step and once per sequence, sequences of their own lengths, batches of 1 and 32, both forms.
 * The initial states are random, so that a state read from the wrong row or gate shows.
 */
class OnnxRuntimeParityTest {
    static final int STEPS = 7;
    static final int TOKENS = 11;
    static final int HIDDEN = 6;
    static final double TOLERANCE = 1e-5;
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** A model of each kind the export handles. */
    static Map<String, SequenceModel> models() {
        Map<String, SequenceModel> m = new LinkedHashMap<>();
        for (CellType cell : List.of(CellType.RNN_TANH, CellType.RNN_RELU, CellType.LSTM, CellType.GRU)) {
            m.put(cell.id() + " embedding", model(cell, b -> b.tokens(TOKENS).embedding(5).classes(TOKENS)));
            m.put(cell.id() + " one-hot, 2 layers, bidirectional", model(cell, b -> b.tokens(TOKENS).layers(2).bidirectional(true).classes(TOKENS)));
            m.put(cell.id() + " masked, 2 layers, bidirectional", model(cell, b -> b.tokens(TOKENS).embedding(4).layers(2).bidirectional(true).variableLengths()
                    .classes(TOKENS)));
            m.put(cell.id() + " masked vectors to values, 2 layers", model(cell, b -> b.vectors(3).layers(2).variableLengths().values(2)));
            m.put(cell.id() + " masked, per sequence, bidirectional", model(cell, b -> b.tokens(TOKENS).embedding(4).bidirectional(true).variableLengths()
                    .perSequence().classes(3)));
        }
        m.put("lstm vectors per sequence", model(CellType.LSTM, b -> b.vectors(4).perSequence().values(1)));
        return m;
    }

    static SequenceModel model(CellType cell, UnaryOperator<SequenceModel.Builder> shape) {
        return shape.apply(SequenceModel.builder().cell(cell).hidden(HIDDEN)).build();
    }

    static TrainedModel trained(SequenceModel model, long seed) {
        return TrainedModel.of(model, Weights.initial(model.parameters(), InitScheme.PYTORCH, seed, DType.F32), Optional.empty());
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1;
        for (Map.Entry<String, SequenceModel> e : models().entrySet()) {
            TrainedModel t = trained(e.getValue(), seed++);
            for (String form : List.of("standard", "unfolded")) {
                for (int batch : new int[] {1, 32}) {
                    out.add(Arguments.of(e.getKey(), form, batch, t));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, {1} form, batch {2}")
    @MethodSource("cases")
    void onnxRuntimeAgreesWithUnfold(String name, String form, int batch, TrainedModel trained) throws OrtException {
        byte[] bytes = (form.equals("standard") ? OnnxExport.standard(trained) : OnnxExport.unfolded(trained, STEPS)).toByteArray();
        assertAgrees(trained, bytes, STEPS, batch, new Random(batch * 31L + name.hashCode()));
    }

    @ParameterizedTest(name = "standard form over {0} steps")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 3, 20})
    void theStandardFormTakesAnyNumberOfSteps(int steps) throws OrtException {
        for (String name : List.of("lstm masked, 2 layers, bidirectional", "gru embedding", "rnn_tanh masked vectors to values, 2 layers")) {
            TrainedModel t = trained(models().get(name), 7);
            assertAgrees(t, OnnxExport.standard(t).toByteArray(), steps, 5, new Random(steps));
        }
    }

    /** Models that ONNX's recurrent operators cannot express: their unfolded form is exact all the same. */
    static Stream<Arguments> unfoldedOnly() {
        return Stream.of(
                Arguments.of("jordan, 2 layers", model(CellType.JORDAN, b -> b.tokens(TOKENS).embedding(4).layers(2).classes(TOKENS))),
                Arguments.of("jordan masked, bidirectional", model(CellType.JORDAN, b -> b.vectors(3).bidirectional(true).variableLengths().values(2))),
                Arguments.of("lstm with zoneout", model(CellType.LSTM, b -> b.tokens(TOKENS).layers(2).zoneout(0.3).classes(TOKENS))),
                Arguments.of("gru with zoneout, masked", model(CellType.GRU, b -> b.tokens(TOKENS).embedding(3).zoneout(0.2).variableLengths().classes(TOKENS))));
    }

    @ParameterizedTest(name = "{0}: unfolded form agrees, standard form refused")
    @MethodSource("unfoldedOnly")
    void cellsWithoutAnOperatorExportUnfolded(String name, SequenceModel model) throws OrtException {
        TrainedModel t = trained(model, 3);
        for (int batch : new int[] {1, 32}) {
            assertAgrees(t, OnnxExport.unfolded(t, STEPS).toByteArray(), STEPS, batch, new Random(batch));
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OnnxExport.standard(t));
        assertTrue(e.getMessage().contains("--unfolded T"), e.getMessage());
    }

    /** Runs {@code model} in ONNX Runtime and in Unfold on the same random batch, and compares every output. */
    static void assertAgrees(TrainedModel trained, byte[] model, int steps, int batch, Random rng) throws OrtException {
        Batch in = Batch.random(trained.model().spec(), steps, batch, rng);
        UnfoldForward expected = UnfoldForward.run(trained, steps, batch, in.x, in.h0, in.c0, in.lengths);
        Map<String, float[]> actual = run(model, trained.model().spec(), in);
        String outName = ExportSignature.outputName(trained.model().spec());
        assertClose(outName, expected.outputs(), actual.get(outName));
        assertClose("h_n", expected.hN(), actual.get("h_n"));
        if (ExportSignature.hasCellState(trained.model().spec())) {
            assertClose("c_n", expected.cN(), actual.get("c_n"));
        }
    }

    static Map<String, float[]> run(byte[] model, SequenceModelSpec spec, Batch in) throws OrtException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> feeds = in.tensors(spec);
            try (OrtSession.Result r = session.run(feeds)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                    FloatBuffer f = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] a = new float[f.remaining()];
                    f.get(a);
                    out.put(e.getKey(), a);
                }
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
        return out;
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertTrue(actual != null, what + " is missing from ONNX Runtime's outputs");
        assertEquals(expected.length, actual.length, what + ": sizes differ");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertTrue(worst <= TOLERANCE, what + ": ONNX Runtime differs from Unfold by " + worst);
    }

    /** One batch in the signature's layout: x, h0, c0 (empty without a cell state), lengths (empty without them). */
    record Batch(int steps, int batch, float[] x, float[] h0, float[] c0, int[] lengths) {
        static Batch random(SequenceModelSpec spec, int steps, int batch, Random rng) {
            boolean tokens = spec.input().kind() == SequenceModelSpec.InputKind.TOKENS;
            float[] x = new float[steps * batch * (tokens ? 1 : spec.input().size())];
            for (int i = 0; i < x.length; i++) {
                x[i] = tokens ? rng.nextInt(spec.input().size()) : (float) rng.nextGaussian();
            }
            int states = ExportSignature.states(spec.rnn()) * batch * spec.rnn().hiddenSize();
            float[] h0 = uniform(states, rng);
            float[] c0 = ExportSignature.hasCellState(spec) ? uniform(states, rng) : new float[0];
            int[] lengths = new int[spec.lengths() ? batch : 0];
            for (int b = 0; b < lengths.length; b++) {
                lengths[b] = b == 0 ? steps : 1 + rng.nextInt(steps);
            }
            if (lengths.length == 1) {
                lengths[0] = 1 + rng.nextInt(steps);
            }
            return new Batch(steps, batch, x, h0, c0, lengths);
        }

        private static float[] uniform(int n, Random rng) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (2 * rng.nextDouble() - 1);
            }
            return a;
        }

        Map<String, OnnxTensor> tensors(SequenceModelSpec spec) throws OrtException {
            Map<String, OnnxTensor> m = new LinkedHashMap<>();
            long states = ExportSignature.states(spec.rnn());
            long hidden = spec.rnn().hiddenSize();
            if (spec.input().kind() == SequenceModelSpec.InputKind.TOKENS) {
                long[] ids = new long[x.length];
                for (int i = 0; i < x.length; i++) {
                    ids[i] = (long) x[i];
                }
                m.put("x", OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {steps, batch}));
            } else {
                m.put("x", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {steps, batch, spec.input().size()}));
            }
            m.put("h0", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(h0), new long[] {states, batch, hidden}));
            if (c0.length > 0) {
                m.put("c0", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(c0), new long[] {states, batch, hidden}));
            }
            if (lengths.length > 0) {
                m.put("lengths", OnnxTensor.createTensor(ENV, IntBuffer.wrap(lengths), new long[] {batch}));
            }
            return m;
        }
    }
}
