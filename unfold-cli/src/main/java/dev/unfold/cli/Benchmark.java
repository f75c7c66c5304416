package dev.unfold.cli;

import dev.unfold.data.Episode;
import dev.unfold.data.TextStreams;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.train.Trainer;
import dev.unfold.train.TrainingPlan;
import dev.unfold.window.BpttMemory;
import dev.unfold.window.MemoryEstimate;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The character-model throughput benchmark of the project's reference (shared/reference/BENCH.md):
 * embedding or one-hot input, recurrent net, linear decoder to 65 symbols, mean cross-entropy,
 * time-major, state carried between batches and cut (truncated BPTT over T), Adam lr 2e-3, no clipping.
 * A training step is forward + BPTT + Adam over B×T tokens; inference is the same forward without
 * gradients. Median tokens/s of timed repetitions after warm-up.
 */
final class Benchmark {
    static final int VOCABULARY = 65;

    private Benchmark() {
    }

    /** One configuration; {@code embedding} 0 reads one-hot input. */
    record Config(String name, CellType cell, int hidden, int layers, int embedding, int batch, int seq) {
        /** The same model and batch over windows of {@code steps}. */
        Config withSeq(int steps) {
            return new Config(name, cell, hidden, layers, embedding, batch, steps);
        }

        double trainFlopPerToken() {
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

    static final List<Config> CONFIGS = List.of(
            new Config("rnn_h100_b1_t25", CellType.RNN_TANH, 100, 1, 0, 1, 25),
            new Config("lstm_h256_b32_t64", CellType.LSTM, 256, 1, 64, 32, 64),
            new Config("gru_h256_b32_t64", CellType.GRU, 256, 1, 64, 32, 64),
            new Config("lstm_h512_b64_t128_l2", CellType.LSTM, 512, 2, 128, 64, 128));

    /** What to time. */
    enum Mode { TRAIN, INFER }

    /** Tokens/s of each repetition, their median, and the process's peak resident memory. */
    record Result(double[] repetitions, double median, long peakResidentBytes) {
    }

    static Config config(String name) {
        return CONFIGS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown configuration '" + dev.unfold.io.SafeText.clip(name) + "'; known: " + CONFIGS.stream().map(Config::name).toList()));
    }

    /** What a run reports as it goes: the end of the warm-up, then each timed repetition. */
    interface Progress {
        default void warmedUp() {
        }

        void repetitionDone(int repetition);
    }

    /** Runs {@code repetitions} timed repetitions of about {@code seconds} each after a warm-up. */
    static Result run(Config c, Mode mode, WindowRunner runner, int repetitions, double seconds, Optional<TrainingPlan.MemoryBudget> memory,
            Progress progress) {
        Step step = mode == Mode.TRAIN ? trainer(c, runner, memory) : inference(c, runner);
        long warmStart = System.nanoTime();
        int warm = 0;
        int warmSteps = c.seq() >= 1000 ? 1 : 3;
        while (warm < warmSteps || System.nanoTime() - warmStart < 2e9) {
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

    static SequenceModel model(Config c) {
        return SequenceModel.builder().tokens(VOCABULARY).embedding(c.embedding()).cell(c.cell()).hidden(c.hidden()).layers(c.layers())
                .classes(VOCABULARY).build();
    }

    /**
     * Refuses a run whose windows cannot fit in memory, with the estimate; says what a memory budget makes of the
     * training windows (empty without one).
     */
    static String requireFits(Config c, Mode mode, int workers, Optional<TrainingPlan.MemoryBudget> memory) {
        SequenceModelSpec spec = model(c).spec();
        int shards = Math.min(workers, c.batch());
        if (mode != Mode.TRAIN) {
            MemoryEstimate.inference(spec, c.batch(), c.seq()).requireFits("this benchmark");
            return "";
        }
        MemoryEstimate full = MemoryEstimate.training(spec, c.batch(), c.seq(), shards);
        if (memory.isEmpty()) {
            full.requireFits("this benchmark with full BPTT (--memory-budget bounds it)");
            return "";
        }
        BpttMemory.Plan p = BpttMemory.plan(spec, c.batch(), shards, c.seq(), memory.get().bytes(), memory.get().policy());
        (p.full() ? full : full.bounded(spec, c.batch(), shards, p)).requireFits("this benchmark");
        return "memory budget " + BpttMemory.size(memory.get().bytes()) + ": " + p;
    }

    /** Random tokens: 64 windows per stream for the reference lengths, fewer (at least 2) for long windows. */
    private static TextStreams data(Config c) {
        Rng rng = new Rng(0);
        int windows = Math.max(2, Math.min(64, 1_000_000 / c.seq()));
        int[] ids = new int[c.batch() * (c.seq() * windows + 1)];
        Arrays.setAll(ids, i -> rng.nextInt(VOCABULARY));
        return new TextStreams(ids, c.batch(), VOCABULARY);
    }

    private static Step trainer(Config c, WindowRunner runner, Optional<TrainingPlan.MemoryBudget> memory) {
        TrainingPlan plan = TrainingPlan.builder().batch(c.batch()).sequenceLength(c.seq()).learningRate(2e-3).memory(memory).build();
        Trainer t = new Trainer(model(c), data(c), plan, runner, DType.F32);
        t.initialize(InitScheme.PYTORCH, 0);
        return t::step;
    }

    private static Step inference(Config c, WindowRunner runner) {
        SequenceModel model = model(c);
        Weights weights = Weights.initial(model.parameters(), InitScheme.PYTORCH, 0, DType.F32);
        boolean[] all = new boolean[c.seq()];
        Arrays.fill(all, true);
        WindowGraph window = WindowGraph.build(model, c.batch(), all, DType.F32, WindowGraph.Mode.FORWARD);
        Episode episode = data(c).episode(0, new Rng(0), DType.F32);
        Carry carry = new Carry(window.zeroState());
        return () -> {
            if (carry.position + c.seq() > episode.length()) {
                carry.position = 0;
                carry.state = window.zeroState();
            }
            carry.state = runner.run(window, weights, episode, carry.position, carry.state, WindowRunner.Keep.lastState(window)).stateAfter(c.seq() - 1);
            carry.position += c.seq();
        };
    }

    /** The position and state inference carries from one window to the next. */
    private static final class Carry {
        int position;
        RecurrentState state;

        Carry(RecurrentState state) {
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
