package dev.unfold.eval;

import dev.unfold.data.Episode;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.util.Optional;

/**
 * A model run one step at a time, keeping its recurrent state between steps: feed a step's input, get the
 * step's output, feed the next. The outputs are those of a whole-sequence run over the same inputs. One
 * session serves one caller; sessions over one model share its weights.
 */
public final class StepSession {
    private final WindowRunner runner = WindowRunner.local(new CompiledExecutor());
    private final Weights weights;
    private final WindowGraph step;
    private RecurrentState state;

    /** A session for batches of {@code batch} sequences, starting from zero state. */
    public StepSession(RecurrentModel model, Weights weights, int batch) {
        this.weights = weights.to(DType.F32);
        this.step = WindowGraph.build(model, batch, new boolean[1], DType.F32, WindowGraph.Mode.FORWARD);
        this.state = step.zeroState();
    }

    /** A session over a trained model, one sequence at a time. */
    public static StepSession of(TrainedModel trained) {
        return new StepSession(trained.model(), trained.weights(), 1);
    }

    /** One step: the input (token indices (B), or vectors (B, F)), and the output (B, classes or values). */
    public Tensor step(Tensor input) {
        Episode one = new Episode() {
            @Override
            public int length() {
                return 1;
            }

            @Override
            public Tensor input(int t) {
                return input;
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.empty();
            }
        };
        WindowRun run = runner.run(step, weights, one, 0, state, WindowRunner.Keep.states(0).withOutputs());
        state = run.stateAfter(0);
        return run.output(0);
    }

    /** One step of one sequence of vectors: its features in, its output values out. */
    public double[] step(double... features) {
        return step(Tensor.wrap(Shape.of(1, features.length), features.clone()).to(DType.F32)).toDoubleArray();
    }

    /** The state after the last step. */
    public RecurrentState state() {
        return state;
    }

    /** Back to zero state, as at the start of a sequence. */
    public void reset() {
        state = step.zeroState();
    }
}
