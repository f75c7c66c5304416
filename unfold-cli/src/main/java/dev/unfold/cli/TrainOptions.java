package dev.unfold.cli;

import dev.unfold.data.CsvSequences;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.TaskKind;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Regularization;
import dev.unfold.optim.Clipping;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.OptimizerConfig;
import dev.unfold.train.DataSpec;
import dev.unfold.train.ModelSettings;
import dev.unfold.train.RunConfig;
import dev.unfold.train.TrainingPlan;
import dev.unfold.train.TruncatedBptt;
import dev.unfold.window.BpttMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The options of a training run, shared by {@code train} and {@code demo}, translated into the library's {@link RunConfig}. */
final class TrainOptions {
    @Option(names = "--text", description = "UTF-8 text to train on (default: the embedded King James text of Genesis to Ruth).")
    Path text;

    @Option(names = "--task", converter = Choices.Task.class,
            description = "A generated long-memory task instead of text (adding, copy or parity), or with --data what to learn: classify, regress, forecast, label or lm.")
    Choices.TaskChoice taskChoice;

    @Option(names = "--data", description = "Sequences to learn from: JSON Lines (one sequence per line), or CSV in long form with --features.")
    Path data;

    @Option(names = "--val-data", description = "Validate on this data file instead of a share of --data's sequences (which then all train).")
    Path valData;

    @Option(names = "--id", description = "CSV: the column naming each row's sequence (without it the file is one series).")
    String idColumn;

    @Option(names = "--order", description = "CSV: the column that orders a sequence's rows (default: the file's order).")
    String orderColumn;

    @Option(names = "--features", split = ",", description = "CSV: the feature columns, comma-separated.")
    List<String> featureColumns;

    @Option(names = "--target", description = "CSV: the target column (a class or a number; the same on all of a sequence's rows, or a series' values to forecast).")
    String targetColumn;

    @Option(names = "--window", description = "Forecast: the steps of the series each forecast reads.")
    Integer window;

    @Option(names = "--horizon", defaultValue = "1", description = "Forecast: the steps after the window it forecasts (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--season", defaultValue = "0", description = "Forecast: the season in steps, for the seasonal-naive baseline (default: none).")
    int season;

    /** The generated task, when --task names one. */
    private TaskKind task;

    @Option(names = "--length", defaultValue = "100", description = "Task length T (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--cell", defaultValue = "lstm", converter = Choices.Cell.class, description = "Cell (default: ${DEFAULT-VALUE}).")
    CellType cell;

    @Option(names = "--hidden", description = "Hidden units (default: 256 for text, 128 for a task).")
    Integer hidden;

    @Option(names = "--layers", defaultValue = "1", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--bidirectional", description = "With --data: each layer also reads its sequences from the last step back; the decoder reads both final states.")
    boolean bidirectional;

    @Option(names = "--embed", defaultValue = "64", description = "Embedding width for text; 0 for one-hot input (default: ${DEFAULT-VALUE}).")
    int embed;

    @Option(names = "--seq", defaultValue = "64", description = "Sequence length of an update for text (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--batch", defaultValue = "32", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "0", description = "Stop after this many updates.")
    long steps;

    @Option(names = "--minutes", defaultValue = "0", description = "Stop after this many minutes of training.")
    double minutes;

    @Option(names = "--precision", defaultValue = "f32", converter = Choices.Precision.class,
            description = "Products in f32, or (opt-in, oneDNN on cores with bfloat16) bf16: operands rounded to bfloat16, sums in float32; "
                    + "weights, optimizer and checkpoints stay float32 (default: ${DEFAULT-VALUE}).")
    dev.unfold.kernel.Gemm.Precision precision;

    @Option(names = "--tbptt", description = "k1,k2: every k1 steps backpropagate through the last k2 (default: --seq,--seq; a whole episode for tasks).")
    String tbptt;

    @Option(names = "--optimizer", defaultValue = "adam", converter = Choices.Optimizer.class,
            description = "sgd, nesterov, adagrad, rmsprop, adam or adamw (default: ${DEFAULT-VALUE}).")
    OptimizerConfig.Kind optimizer;

    @Option(names = "--lr", defaultValue = "0.002", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of sgd and nesterov (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay for sgd; decoupled decay for adamw (default: 0, adamw 0.01).")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", converter = Choices.ScheduleName.class,
            description = "Learning-rate schedule: constant, step or cosine (default: ${DEFAULT-VALUE}).")
    Choices.Schedule schedule;

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

    @Option(names = "--init", defaultValue = "pytorch", converter = Choices.Init.class,
            description = "Initialisation: pytorch, xavier, orthogonal, or chrono (an LSTM's forget and input gate biases for time scales up to the training window, Tallec and Ollivier 2018) (default: ${DEFAULT-VALUE}).")
    InitScheme init;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation and the task data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.05", description = "Share of the text, at its end, kept for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--val-text", description = "Validate on this UTF-8 text instead of the end of the training text (which then all trains).")
    Path valText;

    @Option(names = "--dropout", description = "Dropout on the embedding's output, between layers and before the decoder (default: 0).")
    Double dropout;

    @Option(names = "--variational-dropout",
            description = "Variational dropout: one mask per sequence on each layer's input and recurrent state (default: 0.25 for text, 0 for a task).")
    Double variationalDropout;

    @Option(names = "--zoneout", description = "Zoneout of the carried state: the probability a unit keeps its value (default: 0).")
    Double zoneout;

    @Option(names = "--patience", description = "Stop after this many validations in a row without a better one (default: never stop early).")
    Integer patience;

    @Option(names = "--memory-budget", paramLabel = "BYTES",
            description = "Memory-bounded BPTT: the bytes a training window may hold in activations and stored states (K, M, G: binary units);"
                    + " the states of some steps are kept and the steps between them recomputed, with the gradients of full BPTT (default: full BPTT).")
    String memoryBudget;

    @Option(names = "--memory-policy", defaultValue = "optimal", converter = Choices.MemoryPolicy.class,
            description = "How memory-bounded BPTT spends its budget: optimal (the plan that recomputes least) or sqrt (units of sqrt(L) steps)"
                    + " (default: ${DEFAULT-VALUE}).")
    BpttMemory.Policy memoryPolicy;

    @Option(names = "--log-every", defaultValue = "10", description = "Updates between metrics lines (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--eval-every", defaultValue = "500", description = "Updates between validations; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "Updates between checkpoints; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    /** What a text run gets without flags, chosen by measurement (docs/RESULTS.md (d)); a task gets none. */
    static final Regularization TEXT_REGULARIZATION = new Regularization(0, 0.25, 0);
    static final int TEXT_HIDDEN = 256;
    static final int TASK_HIDDEN = 128;

    /** The run these flags describe; a flag out of range is named in the message. */
    RunConfig config() {
        task = taskChoice == null ? null : taskChoice.generated().orElse(null);
        if (data != null) {
            return dataConfig();
        }
        if (taskChoice != null && taskChoice.data().isPresent()) {
            throw new IllegalArgumentException("--task " + taskChoice.data().get().id() + " learns from sequences of your own: give --data FILE");
        }
        if (valData != null || idColumn != null || orderColumn != null || featureColumns != null || targetColumn != null) {
            throw new IllegalArgumentException("--val-data, --id, --order, --features and --target describe --data; give --data FILE");
        }
        if (text != null && task != null) {
            throw new IllegalArgumentException("give --text or --task, not both");
        }
        if (bidirectional) {
            throw new IllegalArgumentException("--bidirectional is for a model of whole sequences (--data): a model that predicts each next step cannot read the steps after it");
        }
        TrainingPlan.Budget budget = budget();
        if (budget.unlimited()) {
            throw new IllegalArgumentException("give a budget: --steps N or --minutes M");
        }
        int hidden = this.hidden != null ? this.hidden : task != null ? TASK_HIDDEN : TEXT_HIDDEN;
        Limits.range("--hidden", hidden, 1, 8192);
        Limits.range("--layers", layers, 1, 16);
        Limits.range("--embed", embed, 0, 4096);
        Limits.range("--seq", seq, 1, 100_000);
        Limits.range("--batch", batch, 1, 65_536);
        Limits.range("--length", length, 1, 100_000);
        checkCommon();
        Regularization preset = task != null ? Regularization.NONE : TEXT_REGULARIZATION;
        double dropout = Limits.probability("--dropout", this.dropout != null ? this.dropout : preset.dropout());
        double variationalDropout = Limits.probability("--variational-dropout", this.variationalDropout != null ? this.variationalDropout : preset.variational());
        double zoneout = Limits.probability("--zoneout", this.zoneout != null ? this.zoneout : preset.zoneout());
        if (valText != null && task != null) {
            throw new IllegalArgumentException("--val-text validates a text; a task validates on its own test sequences");
        }
        if (task != null && length < task.minimumLength()) {
            throw new IllegalArgumentException("--length must be at least " + task.minimumLength() + " for the " + Choices.name(task) + " task, got " + length);
        }
        int episode = task != null ? task.create(length, 1).length() : seq;
        TruncatedBptt windows = tbptt == null ? new TruncatedBptt(episode, episode) : parseTbptt(tbptt);
        if (task != null && windows.k1() > episode) {
            throw new IllegalArgumentException("--tbptt k1 = " + windows.k1() + " is longer than the task's " + episode + " steps");
        }
        DataSpec.Text textData = new DataSpec.Text(Optional.ofNullable(text).map(p -> p.toAbsolutePath().normalize()), valFraction);
        DataSpec data = task != null ? new DataSpec.Task(task, length)
                : valText != null ? textData.validatedOn(valText.toAbsolutePath().normalize()) : textData;
        ModelSettings model = new ModelSettings(cell, hidden, layers, task != null ? 0 : embed,
                new Regularization(dropout, variationalDropout, zoneout));
        TrainingPlan plan = plan(episode, windows, budget);
        return new RunConfig(data, model, plan);
    }

    /** A run on a data file's sequences: a per-sequence task, each batch trained with full BPTT over its sequences' own lengths. */
    private RunConfig dataConfig() {
        if (taskChoice == null || taskChoice.data().isEmpty()) {
            throw new IllegalArgumentException("--data needs --task classify, regress, forecast, label or lm" + (task != null ? " (" + Choices.name(task)
                    + " is a generated task)" : ""));
        }
        if (text != null || valText != null) {
            throw new IllegalArgumentException("give --data or --text, not both");
        }
        if (tbptt != null) {
            throw new IllegalArgumentException("--tbptt does not apply to --data: each batch trains with full BPTT over its sequences");
        }
        SequenceTask t = taskChoice.data().get();
        Optional<dev.unfold.data.ForecastWindows.Shape> forecast = Optional.empty();
        if (t == SequenceTask.FORECAST) {
            if (window == null) {
                throw new IllegalArgumentException("--task forecast needs --window W (and --horizon H, 1 by default)");
            }
            Limits.range("--window", window, 1, 100_000);
            Limits.range("--horizon", horizon, 1, 100_000);
            Limits.range("--season", season, 0, 100_000);
            if (season > 0 && season < horizon) {
                throw new IllegalArgumentException("--season must be at least --horizon (" + horizon + "), got " + season);
            }
            forecast = Optional.of(new dev.unfold.data.ForecastWindows.Shape(window, horizon, season));
            if (featureColumns == null && targetColumn != null) {
                featureColumns = List.of(targetColumn);
            }
        } else if (window != null || season != 0) {
            throw new IllegalArgumentException("--window and --season shape a forecast; --task " + t.id() + " reads whole sequences");
        }
        Optional<CsvSequences.Columns> csv = Optional.empty();
        boolean isCsv = data.getFileName() != null && data.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
        if (isCsv) {
            if (t == SequenceTask.LM) {
                throw new IllegalArgumentException(data + " is CSV, which holds numbers; a language model learns from \"text\" or \"tokens\" in JSON Lines");
            }
            if (featureColumns == null || featureColumns.isEmpty()) {
                throw new IllegalArgumentException(data + " is CSV: name its feature columns with --features a,b,...");
            }
            if (targetColumn == null) {
                throw new IllegalArgumentException(data + " is CSV: name its target column with --target");
            }
            csv = Optional.of(new CsvSequences.Columns(Optional.ofNullable(idColumn), Optional.ofNullable(orderColumn), featureColumns,
                    Optional.of(targetColumn), t == SequenceTask.LABEL ? CsvSequences.TargetType.CLASS_PER_STEP
                            : t == SequenceTask.CLASSIFY ? CsvSequences.TargetType.CLASS_PER_SEQUENCE
                            : t == SequenceTask.FORECAST ? CsvSequences.TargetType.VALUE_PER_STEP : CsvSequences.TargetType.VALUE_PER_SEQUENCE));
        } else if (idColumn != null || orderColumn != null || featureColumns != null || targetColumn != null) {
            throw new IllegalArgumentException("--id, --order, --features and --target name CSV columns; " + data + " is read as JSON Lines (name it .csv for CSV)");
        }
        int hidden = this.hidden != null ? this.hidden : TASK_HIDDEN;
        Limits.range("--hidden", hidden, 1, 8192);
        Limits.range("--layers", layers, 1, 16);
        Limits.range("--embed", embed, 0, 4096);
        Limits.range("--batch", batch, 1, 65_536);
        TrainingPlan.Budget budget = budget();
        if (budget.unlimited()) {
            throw new IllegalArgumentException("give a budget: --steps N or --minutes M");
        }
        checkCommon();
        DataSpec.Data spec = new DataSpec.Data(data.toAbsolutePath().normalize(), csv, t, valFraction,
                Optional.ofNullable(valData).map(p -> p.toAbsolutePath().normalize()), Optional.empty(), forecast);
        double drop = Limits.probability("--dropout", dropout != null ? dropout : 0);
        double variational = Limits.probability("--variational-dropout", variationalDropout != null ? variationalDropout : 0);
        double zone = Limits.probability("--zoneout", zoneout != null ? zoneout : 0);
        ModelSettings model = new ModelSettings(cell, hidden, layers, embed, new Regularization(drop, variational, zone),
                bidirectional ? dev.unfold.nn.RecurrentSpec.Directions.BOTH : dev.unfold.nn.RecurrentSpec.Directions.ONE);
        return new RunConfig(spec, model, plan(seq, new TruncatedBptt(seq, seq), budget));
    }

    /** The checks every run's flags pass. */
    private void checkCommon() {
        Limits.range("--log-every", logEvery, 1, Integer.MAX_VALUE);
        Limits.range("--eval-every", evalEvery, 0, Integer.MAX_VALUE);
        Limits.range("--checkpoint-every", checkpointEvery, 0, Integer.MAX_VALUE);
        Limits.positive("--lr", lr);
        Limits.finite("--momentum", momentum);
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        Limits.notNegative("--clip-norm", clipNorm);
        Limits.notNegative("--clip-value", clipValue);
        Limits.notNegative("--weight-decay", weightDecay);
        Limits.finite("--decay-gamma", decayGamma);
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("--val-fraction must be between 0 and 1, got " + valFraction);
        }
        if (patience != null && patience < 1) {
            throw new IllegalArgumentException("--patience must be at least 1 validation, got " + patience);
        }
    }

    private TrainingPlan plan(int episode, TruncatedBptt windows, TrainingPlan.Budget budget) {
        return TrainingPlan.builder()
                .batch(batch)
                .sequenceLength(episode)
                .windows(windows)
                .optimizer(optimizer(optimizer, momentum, weightDecay))
                .schedule(schedule(budget))
                .clipping(new Clipping(clipNorm > 0 ? OptionalDouble.of(clipNorm) : OptionalDouble.empty(),
                        clipValue > 0 ? OptionalDouble.of(clipValue) : OptionalDouble.empty()))
                .budget(budget)
                .intervals(new TrainingPlan.Intervals(logEvery, evalEvery, checkpointEvery))
                .init(init)
                .seed(seed)
                .patience(patience == null ? 0 : patience)
                .memory(memory())
                .build();
    }

    /** {@code --memory-budget} and {@code --memory-policy}. */
    Optional<TrainingPlan.MemoryBudget> memory() {
        return memoryBudget == null ? Optional.empty() : Optional.of(new TrainingPlan.MemoryBudget(BpttMemory.parse(memoryBudget), memoryPolicy));
    }

    /** AdamW without a decay given decays by PyTorch's default 0.01. */
    static OptimizerConfig optimizer(OptimizerConfig.Kind kind, double momentum, double weightDecay) {
        double decay = kind == OptimizerConfig.Kind.ADAMW && weightDecay == 0 ? 0.01 : weightDecay;
        if (kind == OptimizerConfig.Kind.NESTEROV && momentum == 0) {
            throw new IllegalArgumentException("--optimizer nesterov needs a positive --momentum");
        }
        return new OptimizerConfig(kind, momentum, decay);
    }

    private LearningRateSchedule schedule(TrainingPlan.Budget budget) {
        return switch (schedule) {
            case CONSTANT -> new LearningRateSchedule.Constant(lr);
            case STEP -> {
                if (decayEvery <= 0) {
                    throw new IllegalArgumentException("--decay-every must be positive, got " + decayEvery);
                }
                yield new LearningRateSchedule.StepDecay(lr, decayEvery, decayGamma);
            }
            case COSINE -> {
                if (budget.updates() <= 0) {
                    throw new IllegalArgumentException("--schedule cosine needs --steps to know where the cosine ends");
                }
                if (warmup < 0 || warmup >= budget.updates()) {
                    throw new IllegalArgumentException("--warmup must be at least 0 and less than --steps, got " + warmup);
                }
                yield new LearningRateSchedule.CosineWithWarmup(lr, warmup, budget.updates(), lr * 0.01);
            }
        };
    }

    /**
     * The checkpoint's run with a new budget, when one is given. Any other flag given must agree with the run:
     * those that contradict it are listed, and the resume refused.
     */
    RunConfig resumed(RunConfig saved, picocli.CommandLine.ParseResult given) {
        budget();
        List<String> contradictions = new ArrayList<>();
        for (Map.Entry<String, Function<RunConfig, Object>> e : RUN_FLAGS.entrySet()) {
            if (given.hasMatchedOption(e.getKey())) {
                Object saidNow = given.matchedOptionValue(e.getKey(), null);
                Object run = e.getValue().apply(saved);
                if (!agrees(saidNow, run)) {
                    contradictions.add(e.getKey() + " " + show(saidNow) + " (the run has " + show(run) + ")");
                }
            }
        }
        if (!contradictions.isEmpty()) {
            throw new IllegalArgumentException("--resume continues the run as it was configured; only --steps and --minutes may change, and "
                    + String.join(", ", contradictions) + (contradictions.size() == 1 ? " contradicts it" : " contradict it"));
        }
        if (text != null && !(saved.data() instanceof DataSpec.Text t && t.file().equals(Optional.of(text.toAbsolutePath().normalize())))) {
            String was = saved.data() instanceof DataSpec.Text t ? t.file().map(Path::toString).orElse("the embedded corpus") : "a generated task";
            throw new IllegalArgumentException("--resume continues on the checkpoint's text (" + was + "); drop --text or start a new run");
        }
        TrainingPlan.Budget old = saved.plan().budget();
        return saved.withBudget(new TrainingPlan.Budget(steps > 0 ? steps : old.updates(), minutes > 0 ? minutes : old.minutes()));
    }

    /** The flags that describe a run, and where the run's configuration keeps each. */
    private static final Map<String, Function<RunConfig, Object>> RUN_FLAGS = runFlags();

    private static Map<String, Function<RunConfig, Object>> runFlags() {
        Map<String, Function<RunConfig, Object>> m = new LinkedHashMap<>();
        m.put("--task", r -> r.data() instanceof DataSpec.Task t ? new Choices.TaskChoice(Optional.of(t.kind()), Optional.empty())
                : r.data() instanceof DataSpec.Data d ? new Choices.TaskChoice(Optional.empty(), Optional.of(d.task())) : "none");
        m.put("--length", r -> r.data() instanceof DataSpec.Task t ? t.length() : "none");
        m.put("--cell", r -> r.model().cell());
        m.put("--hidden", r -> r.model().hidden());
        m.put("--layers", r -> r.model().layers());
        m.put("--bidirectional", r -> r.model().directions() == dev.unfold.nn.RecurrentSpec.Directions.BOTH);
        m.put("--embed", r -> r.model().embedding());
        m.put("--seq", r -> r.plan().sequenceLength());
        m.put("--batch", r -> r.plan().batch());
        m.put("--tbptt", r -> r.plan().windows().k1() + "," + r.plan().windows().k2());
        m.put("--optimizer", r -> r.plan().optimizer().kind());
        m.put("--lr", r -> baseRate(r.plan().schedule()));
        m.put("--momentum", r -> r.plan().optimizer().momentum());
        m.put("--weight-decay", r -> r.plan().optimizer().weightDecay());
        m.put("--clip-norm", r -> r.plan().clipping().maxNorm().orElse(0));
        m.put("--clip-value", r -> r.plan().clipping().maxValue().orElse(0));
        m.put("--init", r -> r.plan().init());
        m.put("--seed", r -> r.plan().seed());
        m.put("--val-fraction", r -> r.data() instanceof DataSpec.Text t ? t.validationFraction()
                : r.data() instanceof DataSpec.Data d ? d.validationFraction() : "none");
        m.put("--data", r -> r.data() instanceof DataSpec.Data d ? d.file().toString() : "none");
        m.put("--val-data", r -> r.data() instanceof DataSpec.Data d ? d.validationFile().map(Path::toString).orElse("none") : "none");
        m.put("--id", r -> csv(r).flatMap(CsvSequences.Columns::id).orElse("none"));
        m.put("--order", r -> csv(r).flatMap(CsvSequences.Columns::order).orElse("none"));
        m.put("--features", r -> csv(r).map(CsvSequences.Columns::features).orElse(List.of()));
        m.put("--target", r -> csv(r).flatMap(CsvSequences.Columns::target).orElse("none"));
        m.put("--window", r -> forecast(r).map(dev.unfold.data.ForecastWindows.Shape::window).orElse(0));
        m.put("--horizon", r -> forecast(r).map(dev.unfold.data.ForecastWindows.Shape::horizon).orElse(1));
        m.put("--season", r -> forecast(r).map(dev.unfold.data.ForecastWindows.Shape::season).orElse(0));
        m.put("--log-every", r -> r.plan().intervals().log());
        m.put("--eval-every", r -> r.plan().intervals().validate());
        m.put("--checkpoint-every", r -> r.plan().intervals().checkpoint());
        m.put("--dropout", r -> r.model().regularization().dropout());
        m.put("--variational-dropout", r -> r.model().regularization().variational());
        m.put("--zoneout", r -> r.model().regularization().zoneout());
        m.put("--patience", r -> r.plan().patience());
        m.put("--memory-budget", r -> r.plan().memory().map(b -> (Object) b.bytes()).orElse("none"));
        m.put("--memory-policy", r -> r.plan().memory().map(b -> (Object) b.policy()).orElse(BpttMemory.Policy.OPTIMAL));
        m.put("--val-text", r -> r.data() instanceof DataSpec.Text t ? t.validationFile().map(Path::toString).orElse("none") : "none");
        return m;
    }

    private static Optional<CsvSequences.Columns> csv(RunConfig r) {
        return r.data() instanceof DataSpec.Data d ? d.csv() : Optional.empty();
    }

    private static Optional<dev.unfold.data.ForecastWindows.Shape> forecast(RunConfig r) {
        return r.data() instanceof DataSpec.Data d ? d.forecast() : Optional.empty();
    }

    private static double baseRate(LearningRateSchedule s) {
        if (s instanceof LearningRateSchedule.Constant c) {
            return c.lr();
        }
        if (s instanceof LearningRateSchedule.StepDecay d) {
            return d.lr();
        }
        return ((LearningRateSchedule.CosineWithWarmup) s).lr();
    }

    private static boolean agrees(Object given, Object run) {
        if (given instanceof Path p) {
            return p.toAbsolutePath().normalize().toString().equals(run);
        }
        if (given instanceof Number a && run instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        if (given instanceof String g && run instanceof Long bytes) {
            return BpttMemory.parse(g) == bytes;
        }
        if (given instanceof String g && run instanceof String r && g.contains(",")) {
            try {
                TruncatedBptt t = parseTbptt(g);
                return (t.k1() + "," + t.k2()).equals(r);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return java.util.Objects.equals(given, run);
    }

    private static String show(Object o) {
        return o instanceof Enum<?> e ? Choices.name(e) : String.valueOf(o);
    }

    private TrainingPlan.Budget budget() {
        Limits.finite("--minutes", minutes);
        if (steps < 0 || minutes < 0) {
            throw new IllegalArgumentException("--steps and --minutes must not be negative");
        }
        return new TrainingPlan.Budget(steps, minutes);
    }

    static TruncatedBptt parseTbptt(String text) {
        String[] parts = text.split(",");
        int k1;
        int k2;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            k1 = Integer.parseInt(parts[0].trim());
            k2 = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tbptt takes k1,k2 (two positive whole numbers), got '" + dev.unfold.io.SafeText.clip(text) + "'");
        }
        if (k1 <= 0 || k2 <= 0) {
            throw new IllegalArgumentException("--tbptt needs positive k1 and k2, got " + k1 + "," + k2);
        }
        return new TruncatedBptt(k1, k2);
    }
}
