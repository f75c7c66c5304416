package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.optim.Adam;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The character-model throughput benchmark of the project's reference (shared/reference/BENCH.md):
 * embedding or one-hot input, recurrent net, linear decoder to 65 symbols, mean cross-entropy,
 * time-major, state carried between batches and cut (truncated BPTT over T), Adam lr 2e-3, no clipping.
 * A training step is forward + BPTT + Adam over B×T tokens; inference is the same forward without
 * gradients. Median tokens/s of timed repetitions after warm-up.
 */
public final class Benchmark {
    static final int VOCABULARY = 65;

    private Benchmark() {
    }

    /** One configuration; {@code embedding} 0 reads one-hot input. */
    public record Config(String name, CellType cell, int hidden, int layers, int embedding, int batch, int seq) {
        public double trainFlopPerToken() {
            int in = embedding > 0 ? embedding : VOCABULARY;
            int gates = switch (cell) {
                case LSTM -> 4;
                case GRU -> 3;
                default -> 1;
            };
            double f = 0;
            for (int l = 0; l < layers; l++) {
                f += 2.0 * gates * hidden * ((l == 0 ? in : hidden) + hidden);
            }
            return 3 * (f + 2.0 * hidden * VOCABULARY);
        }
    }

    public static final List<Config> CONFIGS = List.of(
            new Config("rnn_h100_b1_t25", CellType.RNN_TANH, 100, 1, 0, 1, 25),
            new Config("lstm_h256_b32_t64", CellType.LSTM, 256, 1, 64, 32, 64),
            new Config("gru_h256_b32_t64", CellType.GRU, 256, 1, 64, 32, 64),
            new Config("lstm_h512_b64_t128_l2", CellType.LSTM, 512, 2, 128, 64, 128));

    /** What to time. */
    public enum Mode { TRAIN, INFER }

    /** Tokens/s of each repetition, their median, and the process's peak resident memory. */
    public record Result(double[] repetitions, double median, long peakResidentBytes) {
    }

    public static Config config(String name) {
        return CONFIGS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown configuration '" + name + "'; known: " + CONFIGS.stream().map(Config::name).toList()));
    }

    /** What a run reports as it goes: the end of the warm-up, then each timed repetition. */
    public interface Progress {
        default void warmedUp() {
        }

        void repetitionDone(int repetition);
    }

    /** Runs {@code repetitions} timed repetitions of about {@code seconds} each after a warm-up. */
    public static Result run(Config c, Mode mode, Executor executor, int repetitions, double seconds, Progress progress) {
        Step step = mode == Mode.TRAIN ? trainer(c, executor) : inference(c, executor);
        long warmStart = System.nanoTime();
        int warm = 0;
        while (warm < 3 || System.nanoTime() - warmStart < 2e9) {
            step.run();
            warm++;
        }
        double perStep = (System.nanoTime() - warmStart) / 1e9 / warm;
        int steps = Math.max(1, (int) Math.round(seconds / perStep));
        double[] rates = new double[repetitions];
        progress.warmedUp();
        for (int r = 0; r < repetitions; r++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                step.run();
            }
            rates[r] = (double) c.batch() * c.seq() * steps / ((System.nanoTime() - t0) / 1e9);
            progress.repetitionDone(r);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return new Result(rates, sorted[sorted.length / 2], peakResident());
    }

    @FunctionalInterface
    private interface Step {
        void run();
    }

    private static SequenceModel model(Config c) {
        SequenceModelSpec.Input in = new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, VOCABULARY, c.embedding());
        RecurrentSpec rnn = new RecurrentSpec(c.cell(), in.networkWidth(), c.hidden(), c.layers(), RecurrentSpec.Directions.ONE);
        return new SequenceModel(new SequenceModelSpec(in, rnn, new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.CLASSES, VOCABULARY)));
    }

    private static TextStreams data(Config c) {
        Rng rng = new Rng(0);
        int[] ids = new int[c.batch() * (c.seq() * 64 + 1)];
        Arrays.setAll(ids, i -> rng.nextInt(VOCABULARY));
        return new TextStreams(ids, c.batch(), VOCABULARY);
    }

    private static Step trainer(Config c, Executor executor) {
        Trainer t = new Trainer(new Trainer.Setup(model(c), data(c), new TruncatedBptt(c.seq(), c.seq()), new Adam(),
                new LearningRateSchedule.Constant(2e-3), Clipping.none(), executor, DType.F32));
        t.initialize(InitScheme.PYTORCH, 0);
        return t::step;
    }

    private static Step inference(Config c, Executor executor) {
        SequenceModel model = model(c);
        Map<String, Tensor> params = Trainer.initialParameters(model, InitScheme.PYTORCH, 0, DType.F32);
        boolean[] all = new boolean[c.seq()];
        Arrays.fill(all, true);
        WindowGraph window = WindowGraph.build(model, c.batch(), all, DType.F32, WindowGraph.Mode.FORWARD);
        Episode episode = data(c).episode(0, new Rng(0), DType.F32);
        Carry carry = new Carry(WindowRun.zeroStates(window));
        return () -> {
            if (carry.position + c.seq() > episode.length()) {
                carry.position = 0;
                carry.state = WindowRun.zeroStates(window);
            }
            WindowRun run = WindowRun.execute(executor, window, params, episode, carry.position, carry.state);
            carry.state = run.statesAfter(c.seq() - 1);
            carry.position += c.seq();
        };
    }

    /** The position and state inference carries from one window to the next. */
    private static final class Carry {
        int position;
        Map<String, Tensor> state;

        Carry(Map<String, Tensor> state) {
            this.state = state;
        }
    }

    /** Peak resident set size (Linux VmHWM), or the heap in use elsewhere. */
    static long peakResident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
