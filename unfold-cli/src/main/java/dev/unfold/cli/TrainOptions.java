package dev.unfold.cli;

import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.train.TrainConfig;
import dev.unfold.train.TruncatedBptt;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of a training run, shared by {@code train} and {@code demo}. */
final class TrainOptions {
    @Option(names = "--text", description = "UTF-8 text to train on (default: the embedded King James text of Genesis to Ruth).")
    Path text;

    @Option(names = "--task", description = "A generated long-memory task instead of text: adding, copy or parity.")
    String task;

    @Option(names = "--length", defaultValue = "100", description = "Task length T (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--cell", defaultValue = "lstm", converter = CellConverter.class, description = "Cell (default: ${DEFAULT-VALUE}).")
    CellType cell;

    @Option(names = "--hidden", defaultValue = "128", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", defaultValue = "1", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--embed", defaultValue = "32", description = "Embedding width for text; 0 for one-hot input (default: ${DEFAULT-VALUE}).")
    int embed;

    @Option(names = "--seq", defaultValue = "64", description = "Sequence length of an update for text (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--batch", defaultValue = "32", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "0", description = "Stop after this many updates.")
    long steps;

    @Option(names = "--minutes", defaultValue = "0", description = "Stop after this many minutes of training.")
    double minutes;

    @Option(names = "--tbptt", description = "k1,k2: every k1 steps backpropagate through the last k2 (default: --seq,--seq; a whole episode for tasks).")
    String tbptt;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, nesterov, adagrad, rmsprop, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.002", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of sgd and nesterov (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay for sgd; decoupled decay for adamw (default: 0, adamw 0.01).")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", description = "Learning-rate schedule: constant, step or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0", description = "Warm-up updates of the cosine schedule.")
    long warmup;

    @Option(names = "--decay-every", defaultValue = "1000", description = "Updates between decays of the step schedule (default: ${DEFAULT-VALUE}).")
    long decayEvery;

    @Option(names = "--decay-gamma", defaultValue = "0.5", description = "Factor of each step decay (default: ${DEFAULT-VALUE}).")
    double decayGamma;

    @Option(names = "--clip-norm", defaultValue = "0", description = "Clip gradients to this global norm (0: off).")
    double clipNorm;

    @Option(names = "--clip-value", defaultValue = "0", description = "Clip each gradient element to [-X, X] (0: off).")
    double clipValue;

    @Option(names = "--init", defaultValue = "pytorch", description = "Initialisation: pytorch, xavier or orthogonal (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation and the task data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.05", description = "Share of the text, at its end, kept for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--log-every", defaultValue = "10", description = "Updates between metrics lines (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--eval-every", defaultValue = "500", description = "Updates between validations; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "Updates between checkpoints; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    TrainConfig config() {
        if (text != null && task != null) {
            throw new IllegalArgumentException("give --text or --task, not both");
        }
        budget();
        if (steps == 0 && minutes == 0) {
            throw new IllegalArgumentException("give a budget: --steps N or --minutes M");
        }
        Limits.range("--hidden", hidden, 1, 8192);
        Limits.range("--layers", layers, 1, 16);
        Limits.range("--embed", embed, 0, 4096);
        Limits.range("--seq", seq, 1, 100_000);
        Limits.range("--batch", batch, 1, 65_536);
        Limits.range("--length", length, 1, 100_000);
        Limits.range("--log-every", logEvery, 1, Integer.MAX_VALUE);
        Limits.range("--eval-every", evalEvery, 0, Integer.MAX_VALUE);
        Limits.range("--checkpoint-every", checkpointEvery, 0, Integer.MAX_VALUE);
        positive("--lr", lr);
        InitScheme.parse(init);
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        if (clipNorm < 0 || clipValue < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("--clip-norm, --clip-value and --weight-decay must not be negative");
        }
        boolean isTask = task != null;
        int episode = isTask ? taskSteps() : seq;
        TruncatedBptt windows = tbptt == null ? new TruncatedBptt(episode, episode) : TruncatedBptt.parse(tbptt);
        if (isTask && windows.k1() > episode) {
            throw new IllegalArgumentException("--tbptt k1 = " + windows.k1() + " is longer than the task's " + episode + " steps");
        }
        double decay = optimizer.equals("adamw") && weightDecay == 0 ? 0.01 : weightDecay;
        TrainConfig.Data data = new TrainConfig.Data(text == null ? "" : text.toString(), isTask ? task : "", length, valFraction);
        TrainConfig.Model model = new TrainConfig.Model(cell.id(), hidden, layers, isTask ? 0 : embed, init);
        TrainConfig.Schedule sched = new TrainConfig.Schedule(isTask ? episode : seq, batch, windows.k1(), windows.k2(), steps, minutes,
                logEvery, evalEvery, checkpointEvery);
        TrainConfig.Optimization opt = new TrainConfig.Optimization(optimizer, lr, momentum, decay, schedule, warmup, decayEvery,
                decayGamma, clipNorm, clipValue);
        TrainConfig config = new TrainConfig(data, model, sched, opt, seed);
        opt.createOptimizer();
        opt.createSchedule(steps);
        opt.clipping();
        if (isTask) {
            dev.unfold.train.LongMemoryTask.create(task, length, batch);
        }
        return config;
    }

    /** The checkpoint's configuration with a new budget, when one is given. */
    TrainConfig resumed(TrainConfig saved) {
        budget();
        if (text != null && !text.toString().equals(saved.data().text())) {
            throw new IllegalArgumentException("--resume continues on the checkpoint's text ("
                    + (saved.data().text().isEmpty() ? "the embedded corpus" : saved.data().text()) + "); drop --text or start a new run");
        }
        TrainConfig.Schedule s = saved.schedule();
        TrainConfig.Schedule budget = new TrainConfig.Schedule(s.seq(), s.batch(), s.k1(), s.k2(), steps > 0 ? steps : s.steps(),
                minutes > 0 ? minutes : s.minutes(), s.logEvery(), s.evalEvery(), s.checkpointEvery());
        return new TrainConfig(saved.data(), saved.model(), budget, saved.optimization(), saved.seed());
    }

    private void budget() {
        if (steps < 0 || minutes < 0) {
            throw new IllegalArgumentException("--steps and --minutes must not be negative");
        }
    }

    private int taskSteps() {
        return dev.unfold.train.LongMemoryTask.create(task, length, 1).length();
    }

    private static void positive(String option, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(option + " must be positive, got " + v);
        }
    }
}
