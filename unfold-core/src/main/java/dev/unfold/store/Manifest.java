package dev.unfold.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.unfold.data.DataTables;
import dev.unfold.data.TaskKind;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.nn.SequenceModelSpec;
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
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a checkpoint records besides its tensors, as JSON in the file's metadata: the model's architecture,
 * its vocabulary (character models), the run's configuration (runs that can resume), and the counters
 * that place the run. Every field is checked on reading: a damaged manifest is reported field by field.
 */
public record Manifest(SequenceModelSpec model, Optional<List<String>> vocabulary, Optional<RunConfig> run, Counters counters, Optional<Best> best,
        Optional<DataTables> tables) {
    public static final String FORMAT = "unfold-checkpoint";
    public static final int VERSION = 2;

    /** A manifest without a best validation yet. */
    public Manifest(SequenceModelSpec model, Optional<List<String>> vocabulary, Optional<RunConfig> run, Counters counters) {
        this(model, vocabulary, run, counters, Optional.empty());
    }

    /** A manifest of a model that reads a text or a generated task (no data tables). */
    public Manifest(SequenceModelSpec model, Optional<List<String>> vocabulary, Optional<RunConfig> run, Counters counters, Optional<Best> best) {
        this(model, vocabulary, run, counters, best, Optional.empty());
    }

    /**
     * The best validation of a run so far: its update, its score (lower is better), and how many validations
     * have come since without improving on it.
     */
    public record Best(long step, double value, int since) {
    }

    /** Where a run stands: updates, tokens, the episode and the position in it, the optimizer's step count, training time. */
    public record Counters(long step, long tokens, long episodeIndex, long episodeSeed, int position, String optimizer,
            long optimizerSteps, double elapsedSeconds) {
        /** The counters of a model saved outside a run. */
        public static Counters none() {
            return new Counters(0, 0, 0, 0, 0, "none", 0, 0);
        }
    }

    String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        o.add("model", model(model));
        vocabulary.ifPresent(v -> {
            JsonArray a = new JsonArray();
            v.forEach(a::add);
            o.add("vocabulary", a);
        });
        run.ifPresent(r -> o.add("run", run(r)));
        JsonObject c = new JsonObject();
        c.addProperty("step", counters.step());
        c.addProperty("tokens", counters.tokens());
        c.addProperty("episode_index", counters.episodeIndex());
        c.addProperty("episode_seed", counters.episodeSeed());
        c.addProperty("position", counters.position());
        c.addProperty("optimizer", counters.optimizer());
        c.addProperty("optimizer_steps", counters.optimizerSteps());
        c.addProperty("elapsed_seconds", counters.elapsedSeconds());
        o.add("counters", c);
        best.ifPresent(b -> {
            JsonObject j = new JsonObject();
            j.addProperty("step", b.step());
            j.addProperty("value", b.value());
            j.addProperty("since", b.since());
            o.add("best", j);
        });
        tables.ifPresent(t -> o.add("tables", DataTablesJson.write(t)));
        return o.toString();
    }

    /** The manifest in {@code json}; a problem is an {@link IllegalArgumentException} saying what is wrong where. */
    static Manifest parse(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the manifest is not valid JSON");
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("the manifest is not a JSON object");
        }
        JsonFields f = new JsonFields(root.getAsJsonObject(), "");
        try {
            String format = f.has("format") ? f.string("format") : "";
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("not an unfold checkpoint (format '" + dev.unfold.io.SafeText.clip(format) + "')");
            }
            long version = f.integer("version", Long.MIN_VALUE, Long.MAX_VALUE);
            if (version != VERSION) {
                throw new IllegalArgumentException("checkpoint format version " + version + "; this unfold reads version " + VERSION);
            }
            SequenceModelSpec model = model(f.object("model"));
            Optional<List<String>> vocab = f.has("vocabulary") ? Optional.of(strings(f.array("vocabulary"))) : Optional.empty();
            Optional<RunConfig> run = f.has("run") ? Optional.of(run(f.object("run"))) : Optional.empty();
            JsonFields c = f.object("counters");
            Counters counters = new Counters(c.integer("step", 0, Long.MAX_VALUE), c.integer("tokens", 0, Long.MAX_VALUE),
                    c.integer("episode_index", 0, Long.MAX_VALUE), c.integer("episode_seed", Long.MIN_VALUE, Long.MAX_VALUE),
                    c.integer("position", 0, Integer.MAX_VALUE), c.string("optimizer"), c.integer("optimizer_steps", 0, Long.MAX_VALUE),
                    c.number("elapsed_seconds", 0, Double.MAX_VALUE));
            Optional<Best> best = Optional.empty();
            if (f.has("best")) {
                JsonFields j = f.object("best");
                best = Optional.of(new Best(j.integer("step", 0, counters.step()), j.number("value", -Double.MAX_VALUE, Double.MAX_VALUE),
                        j.integer("since", 0, Integer.MAX_VALUE)));
            }
            Optional<DataTables> tables = f.has("tables") ? Optional.of(DataTablesJson.read(f.object("tables"))) : Optional.empty();
            return new Manifest(model, vocab, run, counters, best, tables);
        } catch (JsonFields.Problem e) {
            throw new IllegalArgumentException("manifest " + e.getMessage());
        }
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonElement e = a.get(i);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new JsonFields.Problem("field 'vocabulary' entry " + i + " is not a string");
            }
            out.add(e.getAsString());
        }
        return out;
    }

    private static JsonObject model(SequenceModelSpec m) {
        JsonObject in = new JsonObject();
        in.addProperty("kind", JsonFields.name(m.input().kind()));
        in.addProperty("size", m.input().size());
        in.addProperty("embedding", m.input().embedding());
        JsonObject rnn = new JsonObject();
        rnn.addProperty("cell", m.rnn().cell().id());
        rnn.addProperty("input", m.rnn().inputSize());
        rnn.addProperty("hidden", m.rnn().hiddenSize());
        rnn.addProperty("layers", m.rnn().layers());
        rnn.addProperty("directions", m.rnn().directions().count());
        JsonObject out = new JsonObject();
        out.addProperty("kind", JsonFields.name(m.output().kind()));
        out.addProperty("size", m.output().size());
        if (m.output().reads() != SequenceModelSpec.Reads.EVERY_STEP) {
            out.addProperty("reads", JsonFields.name(m.output().reads()));
        }
        JsonObject o = new JsonObject();
        if (m.lengths()) {
            o.addProperty("lengths", true);
        }
        o.add("input", in);
        o.add("rnn", rnn);
        o.add("output", out);
        o.add("regularization", regularization(m.regularization()));
        return o;
    }

    private static JsonObject regularization(Regularization r) {
        JsonObject o = new JsonObject();
        o.addProperty("dropout", r.dropout());
        o.addProperty("variational", r.variational());
        o.addProperty("zoneout", r.zoneout());
        return o;
    }

    private static Regularization regularization(JsonFields f) {
        double below = Math.nextDown(1.0);
        return new Regularization(f.number("dropout", 0, below), f.number("variational", 0, below), f.number("zoneout", 0, below));
    }

    private static SequenceModelSpec model(JsonFields f) {
        JsonFields in = f.object("input");
        JsonFields rnn = f.object("rnn");
        JsonFields out = f.object("output");
        int max = 1 << 24;
        SequenceModelSpec.Input input = new SequenceModelSpec.Input(in.choice("kind", SequenceModelSpec.InputKind.class), in.integer("size", 1, max),
                in.integer("embedding", 0, max));
        CellType cell = rnn.choice("cell", CellType.class);
        int dirs = rnn.integer("directions", 1, 2);
        RecurrentSpec r = new RecurrentSpec(cell, rnn.integer("input", 1, max), rnn.integer("hidden", 1, max), rnn.integer("layers", 1, 1024),
                dirs == 1 ? RecurrentSpec.Directions.ONE : RecurrentSpec.Directions.BOTH);
        SequenceModelSpec.Reads reads = out.has("reads") ? out.choice("reads", SequenceModelSpec.Reads.class) : SequenceModelSpec.Reads.EVERY_STEP;
        SequenceModelSpec.Output output = new SequenceModelSpec.Output(out.choice("kind", SequenceModelSpec.OutputKind.class), out.integer("size", 1, max), reads);
        boolean lengths = f.has("lengths") && f.bool("lengths");
        return new SequenceModelSpec(input, r, output, regularization(f.object("regularization")), lengths);
    }

    private static JsonObject run(RunConfig r) {
        JsonObject data = new JsonObject();
        if (r.data() instanceof DataSpec.Text t) {
            data.addProperty("source", "text");
            t.file().ifPresent(p -> data.addProperty("file", p.toString()));
            data.addProperty("validation_fraction", t.validationFraction());
            t.sha256().ifPresent(h -> data.addProperty("sha256", h));
            t.validationFile().ifPresent(v -> data.addProperty("validation_file", v.toString()));
        } else if (r.data() instanceof DataSpec.Task t) {
            data.addProperty("source", "task");
            data.addProperty("task", JsonFields.name(t.kind()));
            data.addProperty("length", t.length());
        } else if (r.data() instanceof DataSpec.Data d) {
            DataTablesJson.writeSpec(d, data);
        }
        JsonObject model = new JsonObject();
        model.addProperty("cell", r.model().cell().id());
        model.addProperty("hidden", r.model().hidden());
        model.addProperty("layers", r.model().layers());
        model.addProperty("embedding", r.model().embedding());
        if (r.model().directions() == RecurrentSpec.Directions.BOTH) {
            model.addProperty("directions", 2);
        }
        model.add("regularization", regularization(r.model().regularization()));
        JsonObject o = new JsonObject();
        o.add("data", data);
        o.add("model", model);
        o.add("plan", plan(r.plan()));
        return o;
    }

    private static RunConfig run(JsonFields f) {
        JsonFields d = f.object("data");
        String source = d.string("source");
        DataSpec data = switch (source) {
            case "text" -> new DataSpec.Text(d.has("file") ? Optional.of(path(d.string("file"))) : Optional.empty(),
                    d.number("validation_fraction", 0, 1), d.has("sha256") ? Optional.of(d.string("sha256")) : Optional.empty(),
                    d.has("validation_file") ? Optional.of(path(d.string("validation_file"))) : Optional.empty());
            case "task" -> new DataSpec.Task(d.choice("task", TaskKind.class), d.integer("length", 1, Integer.MAX_VALUE));
            case "data" -> DataTablesJson.readSpec(d);
            default -> throw new JsonFields.Problem("field 'run.data.source' is '" + dev.unfold.io.SafeText.clip(source) + "', not text, task or data");
        };
        JsonFields m = f.object("model");
        int max = 1 << 24;
        ModelSettings model = new ModelSettings(m.choice("cell", CellType.class), m.integer("hidden", 1, max), m.integer("layers", 1, 1024),
                m.integer("embedding", 0, max), regularization(m.object("regularization")),
                m.has("directions") && m.integer("directions", 1, 2) == 2 ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        return new RunConfig(data, model, plan(f.object("plan")));
    }

    private static Path path(String s) {
        try {
            return Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw new JsonFields.Problem("field 'run.data.file' is not a path: " + dev.unfold.io.SafeText.clip(s));
        }
    }

    private static JsonObject plan(TrainingPlan p) {
        JsonObject o = new JsonObject();
        o.addProperty("batch", p.batch());
        o.addProperty("seq", p.sequenceLength());
        o.addProperty("k1", p.windows().k1());
        o.addProperty("k2", p.windows().k2());
        JsonObject opt = new JsonObject();
        opt.addProperty("kind", JsonFields.name(p.optimizer().kind()));
        opt.addProperty("momentum", p.optimizer().momentum());
        opt.addProperty("weight_decay", p.optimizer().weightDecay());
        o.add("optimizer", opt);
        o.add("schedule", schedule(p.schedule()));
        JsonObject clip = new JsonObject();
        p.clipping().maxNorm().ifPresent(v -> clip.addProperty("max_norm", v));
        p.clipping().maxValue().ifPresent(v -> clip.addProperty("max_value", v));
        o.add("clipping", clip);
        JsonObject budget = new JsonObject();
        budget.addProperty("updates", p.budget().updates());
        budget.addProperty("minutes", p.budget().minutes());
        o.add("budget", budget);
        JsonObject every = new JsonObject();
        every.addProperty("log", p.intervals().log());
        every.addProperty("validate", p.intervals().validate());
        every.addProperty("checkpoint", p.intervals().checkpoint());
        o.add("intervals", every);
        o.addProperty("patience", p.patience());
        o.addProperty("init", JsonFields.name(p.init()));
        o.addProperty("seed", p.seed());
        p.memory().ifPresent(m -> {
            JsonObject mem = new JsonObject();
            mem.addProperty("bytes", m.bytes());
            mem.addProperty("policy", JsonFields.name(m.policy()));
            o.add("memory_budget", mem);
        });
        return o;
    }

    private static TrainingPlan plan(JsonFields f) {
        int max = Integer.MAX_VALUE;
        JsonFields opt = f.object("optimizer");
        JsonFields clip = f.object("clipping");
        JsonFields budget = f.object("budget");
        JsonFields every = f.object("intervals");
        Clipping clipping = new Clipping(clip.has("max_norm") ? OptionalDouble.of(clip.number("max_norm", Double.MIN_VALUE, Double.MAX_VALUE))
                : OptionalDouble.empty(), clip.has("max_value") ? OptionalDouble.of(clip.number("max_value", Double.MIN_VALUE, Double.MAX_VALUE))
                : OptionalDouble.empty());
        return TrainingPlan.builder()
                .batch(f.integer("batch", 1, max))
                .sequenceLength(f.integer("seq", 1, max))
                .windows(new TruncatedBptt(f.integer("k1", 1, max), f.integer("k2", 1, max)))
                .optimizer(new OptimizerConfig(opt.choice("kind", OptimizerConfig.Kind.class), opt.number("momentum", 0, 1),
                        opt.number("weight_decay", 0, Double.MAX_VALUE)))
                .schedule(schedule(f.object("schedule")))
                .clipping(clipping)
                .budget(new TrainingPlan.Budget(budget.integer("updates", 0, Long.MAX_VALUE), budget.number("minutes", 0, Double.MAX_VALUE)))
                .intervals(new TrainingPlan.Intervals(every.integer("log", 1, max), every.integer("validate", 0, max), every.integer("checkpoint", 0, max)))
                .patience(f.integer("patience", 0, max))
                .init(f.choice("init", InitScheme.class))
                .seed(f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE))
                .memory(f.has("memory_budget") ? Optional.of(memoryBudget(f.object("memory_budget"))) : Optional.empty())
                .build();
    }

    private static TrainingPlan.MemoryBudget memoryBudget(JsonFields f) {
        return new TrainingPlan.MemoryBudget(f.integer("bytes", 1, Long.MAX_VALUE), f.choice("policy", BpttMemory.Policy.class));
    }

    private static JsonObject schedule(LearningRateSchedule s) {
        JsonObject o = new JsonObject();
        if (s instanceof LearningRateSchedule.Constant c) {
            o.addProperty("kind", "constant");
            o.addProperty("lr", c.lr());
        } else if (s instanceof LearningRateSchedule.StepDecay d) {
            o.addProperty("kind", "step");
            o.addProperty("lr", d.lr());
            o.addProperty("every", d.every());
            o.addProperty("gamma", d.gamma());
        } else if (s instanceof LearningRateSchedule.CosineWithWarmup c) {
            o.addProperty("kind", "cosine");
            o.addProperty("lr", c.lr());
            o.addProperty("warmup", c.warmup());
            o.addProperty("total", c.total());
            o.addProperty("min_lr", c.minLr());
        }
        return o;
    }

    private static LearningRateSchedule schedule(JsonFields f) {
        String kind = f.string("kind");
        double big = Double.MAX_VALUE;
        return switch (kind) {
            case "constant" -> new LearningRateSchedule.Constant(f.number("lr", 0, big));
            case "step" -> new LearningRateSchedule.StepDecay(f.number("lr", 0, big), f.integer("every", 1, Long.MAX_VALUE), f.number("gamma", 0, big));
            case "cosine" -> new LearningRateSchedule.CosineWithWarmup(f.number("lr", 0, big), f.integer("warmup", 0, Long.MAX_VALUE),
                    f.integer("total", 1, Long.MAX_VALUE), f.number("min_lr", 0, big));
            default -> throw new JsonFields.Problem("field 'run.plan.schedule.kind' is '" + dev.unfold.io.SafeText.clip(kind) + "', not constant, step or cosine");
        };
    }
}
