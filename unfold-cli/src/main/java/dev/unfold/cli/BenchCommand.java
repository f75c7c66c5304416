package dev.unfold.cli;

import dev.unfold.eval.StepSession;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.exec.ExecutionProfile;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.LstmGateKernels;
import dev.unfold.kernel.OneRowProducts;
import dev.unfold.kernel.SoftmaxKernels;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code unfold bench}: the reference character-model configurations, timed. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time a reference character-model configuration in tokens per second.",
            "Configurations: rnn_h100_b1_t25, lstm_h256_b32_t64, gru_h256_b32_t64, lstm_h512_b64_t128_l2 (as the project's",
            "reference benchmark defines them). The last line is the median of the timed repetitions: tokens_per_s=N."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Configuration name.")
    String config;

    @Option(names = "--mode", defaultValue = "train",
            description = "train, infer, or step (the latency of one batch-1 step, printed as p50_us= and p99_us=) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--threads", description = "Cores to use: the batch runs as this many shards at once, each product on one thread "
            + "(default: all cores). With 1 (or a batch of 1) there is one shard and products keep the GEMM backend's own threads.")
    Integer threads;

    @Option(names = "--repetitions", defaultValue = "5", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--seconds", defaultValue = "3", description = "Length of one repetition in seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--precision", defaultValue = "f32", converter = Choices.Precision.class,
            description = "Products in f32, or (opt-in, oneDNN on cores with bfloat16) bf16: operands rounded to bfloat16, sums in float32 (default: ${DEFAULT-VALUE}).")
    Gemm.Precision precision;

    @Option(names = "--profile", description = "Also print where the compiled executor spends its time, per kind of unit.")
    boolean profile;

    @Option(names = "--seq", paramLabel = "T", description = "Windows of T steps instead of the configuration's (train and infer).")
    Integer seq;

    @Option(names = "--memory-budget", paramLabel = "BYTES",
            description = "Train with memory-bounded BPTT within this many bytes of activations and stored states (K, M, G: binary units).")
    String memoryBudget;

    @Option(names = "--memory-policy", defaultValue = "optimal", converter = Choices.MemoryPolicy.class,
            description = "optimal or sqrt (default: ${DEFAULT-VALUE}).")
    dev.unfold.window.BpttMemory.Policy memoryPolicy;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return Choices.Precision.during(precision, this::measure);
    }

    private Integer measure() throws IOException, InterruptedException {
        Benchmark.Config c = Benchmark.config(config);
        if (mode.equals("step")) {
            return stepLatency(c);
        }
        Benchmark.Mode m = switch (mode) {
            case "train" -> Benchmark.Mode.TRAIN;
            case "infer" -> Benchmark.Mode.INFER;
            default -> throw new IllegalArgumentException("--mode must be train, infer or step, got '" + mode + "'");
        };
        Limits.range("--repetitions", repetitions, 1, 100);
        if (seq != null) {
            Limits.range("--seq", seq, 1, 1_000_000);
            c = c.withSeq(seq);
        }
        if (memoryBudget != null && m != Benchmark.Mode.TRAIN) {
            throw new IllegalArgumentException("--memory-budget bounds the memory of training; it has no effect with --mode " + mode);
        }
        java.util.Optional<dev.unfold.train.TrainingPlan.MemoryBudget> memory = memoryBudget == null ? java.util.Optional.empty()
                : java.util.Optional.of(new dev.unfold.train.TrainingPlan.MemoryBudget(dev.unfold.window.BpttMemory.parse(memoryBudget), memoryPolicy));
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("--seconds must be positive and at most 3600, got " + seconds);
        }
        ExecutionProfile times = new ExecutionProfile();
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Limits.range("--threads", workers, 1, 256);
        String plan = Benchmark.requireFits(c, m, workers, memory);
        CompiledExecutor executor = profile ? CompiledExecutor.profiling(times) : new CompiledExecutor();
        PrintWriter out = spec.commandLine().getOut();
        String gemm = workers > 1 ? Gemm.withThreads(1, () -> Gemm.backends().active().name()) : Gemm.backends().active().name();
        out.printf("config=%s mode=%s workers=%d seq=%d gemm=%s lstm_gates=%s softmax=%s row_product=%s%s%n", c.name(), mode, Math.min(workers, c.batch()),
                c.seq(), gemm, LstmGateKernels.found().describe(), SoftmaxKernels.found().describe(), OneRowProducts.found().describe(),
                precision == Gemm.Precision.F32 ? "" : " precision=" + Choices.name(precision));
        if (!plan.isEmpty()) {
            out.printf("memory_plan=%s%n", plan);
        }
        out.flush();
        long[] timedStart = new long[1];
        Benchmark.Result r;
        try (WindowRunner runner = WindowRunner.sharded(executor, workers)) {
            r = run(c, m, runner, times, timedStart, memory);
        }
        if (profile) {
            printProfile(out, times, (System.nanoTime() - timedStart[0]) * Math.min(workers, c.batch()));
        }
        for (int i = 0; i < r.repetitions().length; i++) {
            out.printf(Locale.ROOT, "repetition=%d tokens_per_s=%.0f%n", i + 1, r.repetitions()[i]);
        }
        double flops = m == Benchmark.Mode.TRAIN ? c.trainFlopPerToken() : c.trainFlopPerToken() / 3;
        out.printf(Locale.ROOT, "model_gflop_per_s=%.1f%n", r.median() * flops / 1e9);
        out.printf(Locale.ROOT, "peak_rss_mb=%d%n", r.peakResidentBytes() >> 20);
        out.printf(Locale.ROOT, "tokens_per_s=%.0f%n", r.median());
        return 0;
    }

    /**
     * The latency of one step of one sequence (embedding, recurrent layers and decoder) through a {@link StepSession}
     * of the configuration's model, its state carried from step to step: {@code --seconds} of warm-up, then as long
     * again timed step by step.
     */
    private int stepLatency(Benchmark.Config c) {
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("--seconds must be positive and at most 3600, got " + seconds);
        }
        PrintWriter out = spec.commandLine().getOut();
        dev.unfold.nn.SequenceModel model = Benchmark.model(c);
        dev.unfold.nn.Weights w = dev.unfold.nn.Weights.initial(model.parameters(), dev.unfold.nn.InitScheme.PYTORCH, 1, dev.unfold.tensor.DType.F32);
        out.printf("config=%s mode=step batch=1 gemm=%s%n", c.name(), Gemm.backends().active().name());
        out.flush();
        StepSession session = new StepSession(model, w, 1);
        java.util.Random r = new java.util.Random(1);
        long warm = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warm) {
            session.step(dev.unfold.tensor.Tensor.scalar(dev.unfold.tensor.DType.F32, r.nextInt(Benchmark.VOCABULARY)).reshape(dev.unfold.tensor.Shape.of(1)));
        }
        List<Long> times = new java.util.ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || times.size() < 100) {
            dev.unfold.tensor.Tensor x = dev.unfold.tensor.Tensor.scalar(dev.unfold.tensor.DType.F32, r.nextInt(Benchmark.VOCABULARY))
                    .reshape(dev.unfold.tensor.Shape.of(1));
            long t0 = System.nanoTime();
            session.step(x);
            times.add(System.nanoTime() - t0);
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        out.printf(Locale.ROOT, "steps=%d%n", sorted.length);
        out.printf(Locale.ROOT, "p50_us=%.1f%n", sorted[sorted.length / 2] / 1e3);
        out.printf(Locale.ROOT, "p99_us=%.1f%n", sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] / 1e3);
        return 0;
    }

    private Benchmark.Result run(Benchmark.Config c, Benchmark.Mode m, WindowRunner runner, ExecutionProfile times, long[] timedStart,
            java.util.Optional<dev.unfold.train.TrainingPlan.MemoryBudget> memory) {
        return Benchmark.run(c, m, runner, repetitions, seconds, memory,
                new Benchmark.Progress() {
                    @Override
                    public void warmedUp() {
                        times.clear();
                        timedStart[0] = System.nanoTime();
                    }

                    @Override
                    public void repetitionDone(int repetition) {
                        spec.commandLine().getErr().printf("repetition %d done%n", repetition + 1);
                    }
                });
    }

    /** Shares of the workers' busy time: wall time times the shards running at once. */
    private static void printProfile(PrintWriter out, ExecutionProfile times, long wallNanos) {
        long inside = 0;
        for (ExecutionProfile.Entry e : times.entries()) {
            inside += e.nanos();
            out.printf(Locale.ROOT, "profile kind=\"%s\" share=%.1f%% ms=%.0f runs=%d%n", e.kind(), 100.0 * e.nanos() / wallNanos, e.nanos() / 1e6, e.runs());
        }
        out.printf(Locale.ROOT, "profile kind=\"outside the executor\" share=%.1f%% ms=%.0f%n", 100.0 * (wallNanos - inside) / wallNanos, (wallNanos - inside) / 1e6);
    }
}
