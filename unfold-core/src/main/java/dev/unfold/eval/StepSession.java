package dev.unfold.eval;

import dev.unfold.data.Episode;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowGraphs;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model run one step, or one chunk of steps, at a time, keeping its recurrent state between calls: feed a
 * step's input, get the step's output, feed the next. The outputs are those of a whole-sequence run over the
 * same inputs. The state can be read, set and reset, and a reset may change the batch size.
 *
 * <p>A session is one caller's: it is not safe to share between threads. Many threads may each run their own
 * session over one model and one {@link Weights}, which sessions only read. A bidirectional model reads each
 * sequence from its end, so it has no step-by-step form and is refused.
 */
public final class StepSession {
    private final WindowRunner runner = WindowRunner.local(new CompiledExecutor());
    private final RecurrentModel model;
    private final Weights weights;
    private WindowGraphs graphs;
    private RecurrentState state;

    /** A session for batches of {@code batch} sequences, starting from zero state. */
    public StepSession(RecurrentModel model, Weights weights, int batch) {
        if (model instanceof SequenceModel s && s.spec().rnn().directions() == RecurrentSpec.Directions.BOTH) {
            throw new IllegalArgumentException("a bidirectional model reads each sequence from its last step back, so it cannot run one step at a time");
        }
        if (!weights.parameters().equals(model.parameters())) {
            throw new IllegalArgumentException("the weights are not those of the model's parameters");
        }
        this.model = model;
        this.weights = weights.to(DType.F32);
        reset(batch);
    }

    /** A session over a trained model, one sequence at a time. */
    public static StepSession of(TrainedModel trained) {
        return new StepSession(trained.model(), trained.weights(), 1);
    }

    /** The sequences each step runs. */
    public int batch() {
        return graphs.batch();
    }

    /** One step: the input (token indices (B), or vectors (B, F)), and the output (B, classes or values). */
    public Tensor step(Tensor input) {
        return steps(List.of(input)).get(0);
    }

    /** A chunk of steps in one run: their inputs in order, and each step's output. */
    public List<Tensor> steps(List<Tensor> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a chunk needs at least one step");
        }
        for (Tensor in : inputs) {
            requireInput(in);
        }
        Episode chunk = new Episode() {
            @Override
            public int length() {
                return inputs.size();
            }

            @Override
            public Tensor input(int t) {
                return inputs.get(t).to(DType.F32);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.empty();
            }
        };
        WindowGraph window = graphs.get(new boolean[inputs.size()], WindowGraph.Mode.FORWARD);
        WindowRun run = runner.run(window, weights, chunk, 0, state, WindowRunner.Keep.lastState(window).withOutputs());
        state = run.stateAfter(inputs.size() - 1);
        List<Tensor> out = new ArrayList<>(inputs.size());
        for (int t = 0; t < inputs.size(); t++) {
            out.add(run.output(t));
        }
        return out;
    }

    /** One step of one sequence of vectors: its features in, its output values out. */
    public double[] step(double... features) {
        return step(Tensor.wrap(Shape.of(1, features.length), features.clone()).to(DType.F32)).toDoubleArray();
    }

    /** The state after the last step. */
    public RecurrentState state() {
        return state;
    }

    /** Continues from {@code s}, which must hold every state of the model for this session's batch. */
    public void state(RecurrentState s) {
        if (!s.slots().equals(model.stateSlots()) || s.batch() != batch()) {
            throw new IllegalArgumentException("the state must hold the model's " + model.stateSlots().size() + " states for a batch of " + batch()
                    + ", got " + s.slots().size() + " for a batch of " + s.batch());
        }
        state = s.to(DType.F32);
    }

    /** Back to zero state, as at the start of a sequence. */
    public void reset() {
        state = graphs.get(new boolean[1], WindowGraph.Mode.FORWARD).zeroState();
    }

    /** Back to zero state for batches of {@code batch} sequences from now on. */
    public void reset(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a session runs batches of at least 1 sequence, got " + batch);
        }
        if (graphs == null || graphs.batch() != batch) {
            graphs = new WindowGraphs(model, batch, DType.F32);
        }
        reset();
    }

    private void requireInput(Tensor in) {
        int batch = batch();
        if (model instanceof SequenceModel s) {
            SequenceModelSpec.Input spec = s.spec().input();
            Shape expected = spec.kind() == SequenceModelSpec.InputKind.TOKENS ? Shape.of(batch) : Shape.of(batch, spec.size());
            if (!in.shape().equals(expected)) {
                throw new IllegalArgumentException("a step of this session reads " + (spec.kind() == SequenceModelSpec.InputKind.TOKENS
                        ? "token indices of shape " : "features of shape ") + expected + " (a batch of " + batch + "), got " + in.shape());
            }
            if (spec.kind() == SequenceModelSpec.InputKind.TOKENS) {
                for (int i = 0; i < in.size(); i++) {
                    double v = in.get(i);
                    if (v != Math.rint(v) || v < 0 || v >= spec.size()) {
                        throw new IllegalArgumentException("token " + v + " at row " + i + " is not an index in [0, " + spec.size() + ")");
                    }
                }
            }
        }
    }
}
