package dev.unfold.cli;

import dev.unfold.eval.GradientFlow;
import dev.unfold.graph.Direction;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Role;
import dev.unfold.io.AtomicFiles;
import dev.unfold.nn.Cell;
import dev.unfold.nn.Phase;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.viz.Annotations;
import dev.unfold.viz.Detail;
import dev.unfold.viz.DotWriter;
import dev.unfold.viz.HtmlPage;
import dev.unfold.viz.RecomputationChart;
import dev.unfold.viz.SvgDrawing;
import dev.unfold.viz.TextListing;
import dev.unfold.viz.UnfoldedView;
import dev.unfold.window.BoundarySweeps;
import dev.unfold.window.BpttMemory;
import dev.unfold.window.MemoryEstimate;
import dev.unfold.window.Recomputation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold show}: the folded and the unfolded graph of a network, as text, DOT, SVG or interactive HTML. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show the folded and the unfolded graph as text, DOT, SVG or interactive HTML.",
            "The folded graph is the cell with its delay edges; the unfolded graph has one column per step.",
            "The HTML runs the network once on random weights and inputs to show values and gradients over time."})
final class ShowCommand implements Callable<Integer> {
    static final int MAX_STEPS = 10_000;

    /** Output formats. */
    enum Format { text, dot, svg, html }

    /** Drawing detail. */
    enum DetailOption { step, cell }

    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Option(names = "--steps", defaultValue = "3", description = "Time steps T (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--detail", defaultValue = "step", description = "step: one node per cell; cell: each cell opened into its operations.")
    DetailOption detail;

    @Option(names = "--dropout", defaultValue = "0", description = "Draw dropout masks between stacked layers, a new one at every step (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--variational-dropout", defaultValue = "0",
            description = "Draw variational masks on each layer's input and recurrent state: one node read by every step (default: ${DEFAULT-VALUE}).")
    double variationalDropout;

    @Option(names = "--zoneout", defaultValue = "0", description = "Draw zoneout masks of the carried state (default: ${DEFAULT-VALUE}).")
    double zoneout;

    @Option(names = "--phase", defaultValue = "training", converter = Choices.PhaseName.class,
            description = "training (with the masks) or evaluation (without; zoneout as its expectation) (default: ${DEFAULT-VALUE}).")
    Phase phase;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights and inputs of the HTML view (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Write to this file instead of standard output.")
    Path out;

    @Option(names = "--model", description = {"Draw a trained model from this run folder, with its values and gradients:",
        "on fresh test sequences for a task model, on the first --steps characters of --text (default: the embedded corpus's end) for a character model."})
    Path model;

    @Option(names = "--text", description = "Text for --model with a character model.")
    Path text;

    @Option(names = "--data", description = {"Data file for --model with a model trained with --data: one of its sequences is drawn, over its own",
        "length, or over --steps when given (the steps after its end drawn as padding)."})
    Path data;

    @Option(names = "--line", description = "With --data: the line where the sequence to draw starts (default: the first sequence).")
    Long line;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Option(names = "--memory-budget", paramLabel = "BYTES", description = {"Draw the plan of memory-bounded BPTT over a window of --steps within",
        "this budget (K, M, G: binary units): which steps' states are stored and which steps are run forward again (text or svg)."})
    String memoryBudget;

    @Option(names = "--memory-policy", defaultValue = "optimal", converter = Choices.MemoryPolicy.class, description = "optimal or sqrt (default: ${DEFAULT-VALUE}).")
    BpttMemory.Policy memoryPolicy;


    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (memoryBudget != null) {
            return memoryPlan();
        }
        Limits.range("--steps", steps, 1, MAX_STEPS);
        if (model != null) {
            return trained();
        }
        RecurrentSpec rs = network.spec();
        Regularization reg = regularization();
        MemoryEstimate.interpreted(rs, network.batch, steps, format == Format.html ? 4 : 0, format == Format.html).requireFits("this drawing");
        Detail d = detail == DetailOption.cell ? Detail.CELL : Detail.STEP;
        String content = switch (format) {
            case text -> text(rs, reg);
            case dot -> DotWriter.write(UnfoldedView.of(networkOnly(rs, reg)), d);
            case svg -> SvgDrawing.render(UnfoldedView.of(networkOnly(rs, reg)), d);
            case html -> html(rs, ProbeGraph.probe(rs, steps, network.batch, DType.F32, reg, phase), d);
        };
        emit(content);
        return 0;
    }

    /** The trained model's own unfolded graph, annotated with one pass of values and gradients. */
    private int trained() throws IOException {
        ModelFolder folder = checkpoints.load(model);
        dev.unfold.store.TrainedModel saved = folder.trained();
        if (folder.isDataModel()) {
            return trainedOnData(folder);
        }
        if (data != null || line != null) {
            throw new IllegalArgumentException(model + " holds a model trained on " + (folder.isCharacterModel() ? "a text" : "the " + folder.taskName() + " task")
                    + "; --data and --line draw models trained with --data");
        }
        int rows = folder.isCharacterModel() ? 1 : folder.requireTask().batch();
        int length = folder.isCharacterModel() ? steps : folder.requireTask().length();
        MemoryEstimate.interpreted(saved.model().spec().rnn(), rows, length, 4, true).requireFits("this drawing of " + model);
        GradientFlow.Measured m;
        String source;
        if (folder.isCharacterModel()) {
            String corpus = text == null ? dev.unfold.io.TextCorpus.embedded() : dev.unfold.io.TextCorpus.read(text);
            String sample = text == null ? corpus.substring(corpus.length() - corpus.length() / 20) : corpus;
            m = GradientFlow.onText(saved.model(), saved.weights(), sample, saved.vocabulary().get(), steps, 1);
            source = steps + " characters of " + (text == null ? "the embedded corpus's validation part" : text.getFileName().toString());
        } else {
            if (text != null) {
                throw new IllegalArgumentException(model + " holds a model for the " + folder.taskName() + " task; --text is for character models");
            }
            m = GradientFlow.onTask(saved.model(), saved.weights(), folder.requireTask(), dev.unfold.eval.TaskEvaluation.TEST_SEED);
            source = "one batch of fresh " + folder.taskName() + " sequences";
        }
        emit(renderTrained(m, UnfoldedView.of(m.graph()), saved.step(), source));
        return 0;
    }

    /** A trained model's graph with one pass of its values and gradients on {@code source}, in the asked format. */
    private String renderTrained(GradientFlow.Measured m, UnfoldedView view, long step, String source) {
        Detail d = detail == DetailOption.cell ? Detail.CELL : Detail.STEP;
        return switch (format) {
            case text -> TextListing.unfolded(m.graph());
            case dot -> DotWriter.write(view, d);
            case svg -> SvgDrawing.render(view, d);
            case html -> new HtmlPage("Trained model in " + model.getFileName() + " after " + step + " updates")
                    .graph(view, d, new Annotations("Values and gradients of the trained model on " + source + ".",
                            m.flow().states(), m.flow().gradientNorms(), m.flow().jacobianNorms(), m.flow().stats()))
                    .render();
        };
    }

    /** One sequence of a data file through a data model: its own length, or --steps with the steps after its end drawn as padding. */
    private int trainedOnData(ModelFolder folder) throws IOException {
        if (data == null) {
            throw new IllegalArgumentException(model + " holds a model trained on sequences of a data file; draw one of them with --data FILE [--line N]");
        }
        if (text != null) {
            throw new IllegalArgumentException("--text is for character models; " + model + " reads --data");
        }
        dev.unfold.data.EncodedSequences file = folder.readFile(data, true).encoded();
        int row = 0;
        if (line != null) {
            row = -1;
            for (int i = 0; i < file.size() && row < 0; i++) {
                row = file.row(i).line() == line ? i : -1;
            }
            if (row < 0) {
                throw new IllegalArgumentException(data + ": no sequence starts at line " + line);
            }
        }
        int length = file.row(row).length();
        boolean stepsGiven = spec.commandLine().getParseResult().hasMatchedOption("--steps");
        if (stepsGiven && steps < length) {
            throw new IllegalArgumentException("the sequence at line " + file.row(row).line() + " has " + length + " steps; --steps must be at least that");
        }
        int total = stepsGiven ? steps : length;
        dev.unfold.store.TrainedModel saved = folder.trained();
        MemoryEstimate.interpreted(saved.model().spec().rnn(), 1, total, 4, true).requireFits("this drawing of " + model);
        GradientFlow.Measured m = GradientFlow.onData(saved.model(), saved.weights(), file.batch(new int[] {row}, DType.F32, total));
        String source = "the sequence at line " + file.row(row).line() + " of " + data.getFileName() + " (" + length + " steps"
                + (total > length ? ", then " + (total - length) + " of padding" : "") + ")";
        emit(renderTrained(m, UnfoldedView.of(m.graph()).paddedFrom(length), saved.step(), source));
        return 0;
    }

    /** The plan of memory-bounded BPTT for a window of {@code --steps} of the network (or the model), as text or SVG. */
    private int memoryPlan() throws IOException {
        Limits.range("--steps", steps, 1, 1_000_000);
        if (format != Format.text && format != Format.svg) {
            throw new IllegalArgumentException("--memory-budget draws the plan as text or svg, not " + format);
        }
        SequenceModelSpec s;
        int rows;
        String what;
        if (model != null) {
            ModelFolder folder = checkpoints.load(model);
            s = folder.trained().model().spec();
            rows = folder.trained().run().map(r -> r.plan().batch()).orElse(1);
            what = model.toString();
        } else {
            RecurrentSpec rs = network.spec();
            s = new SequenceModelSpec(new SequenceModelSpec.Input(SequenceModelSpec.InputKind.VECTORS, rs.inputSize(), 0), rs,
                    new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.VALUES, 1));
            rows = network.batch;
            what = rs.cell().id() + " " + rs.hiddenSize();
        }
        int shards = Math.min(rows, Runtime.getRuntime().availableProcessors());
        long budget = BpttMemory.parse(memoryBudget);
        BpttMemory.Plan p = BpttMemory.plan(s, rows, shards, steps, budget, memoryPolicy);
        String title = String.format(Locale.ROOT, "%s, batch %d, %d steps within %s: %s", what, rows, steps, BpttMemory.size(budget), p);
        int units = (steps + p.unitSteps() - 1) / p.unitSteps();
        if (p.sweeps()) {
            emit(format == Format.svg ? RecomputationChart.svg(sweepActions(s.rnn().layers(), units), units, p.unitSteps(), steps, title)
                    : sweepText(title, s.rnn().layers(), units));
            return 0;
        }
        List<Recomputation.Action> actions = p.full() ? List.of() : new Recomputation().schedule(units, p.slots());
        emit(format == Format.svg ? RecomputationChart.svg(actions.stream().map(a -> new RecomputationChart.Action(a.kind().name(), a.unit())).toList(),
                units, p.unitSteps(), steps, title) : planText(title, actions, units, p.unitSteps(), steps));
        return 0;
    }

    /** A bidirectional plan's sweeps as the chart draws actions: a unit run forward (its boundary stored), or its adjoint. */
    private static List<RecomputationChart.Action> sweepActions(int layers, int units) {
        List<RecomputationChart.Action> out = new ArrayList<>();
        for (BoundarySweeps.Sweep sweep : BoundarySweeps.sweeps(layers)) {
            for (int u : BoundarySweeps.order(sweep.way(), units)) {
                out.add(new RecomputationChart.Action(sweep.adjoint() ? "ADJOINT" : "ADVANCE", u));
                if (!sweep.adjoint()) {
                    out.add(new RecomputationChart.Action("STORE", sweep.way() == Direction.FORWARD ? u : u + 1));
                }
            }
        }
        return out;
    }

    /** A bidirectional plan as text: each sweep, which way it runs the units and which chains' states or gradients it finds. */
    private static String sweepText(String title, int layers, int units) {
        StringBuilder b = new StringBuilder(title).append('\n');
        for (BoundarySweeps.Sweep sweep : BoundarySweeps.sweeps(layers)) {
            b.append(String.format(Locale.ROOT, "  %-9s %-13s units %s: %s%n", sweep.adjoint() ? "gradients" : "states",
                    sweep.way() == Direction.FORWARD ? "left to right" : "right to left", sweep.way() == Direction.FORWARD ? "0 to " + (units - 1)
                            : (units - 1) + " to 0", String.join(", ", sweep.chains().stream().map(Role.Layer::scope).toList())));
        }
        b.append(String.format(Locale.ROOT, "  every unit's boundary states and their gradients stored (%d boundaries); the last sweep sums the"
                + " parameters' gradients%n", units + 1));
        return b.toString();
    }

    /** The plan as text: a line per forward run of a unit, then per unit how often it runs and whether its first state is stored. */
    private static String planText(String title, List<Recomputation.Action> actions, int units, int unitSteps, int steps) {
        StringBuilder b = new StringBuilder(title).append('\n');
        if (actions.isEmpty()) {
            return b.toString();
        }
        int[] runs = new int[units];
        boolean[] stored = new boolean[units];
        StringBuilder line = new StringBuilder();
        for (Recomputation.Action a : actions) {
            switch (a.kind()) {
                case ADVANCE -> {
                    runs[a.unit()]++;
                    line.append(" forward ").append(a.unit());
                }
                case STORE -> {
                    stored[a.unit()] = true;
                    line.append(" store ").append(a.unit());
                }
                case ADJOINT -> {
                    runs[a.unit()]++;
                    b.append("  ").append(line.toString().strip()).append(line.length() > 0 ? ", " : "").append("adjoint ").append(a.unit()).append('\n');
                    line.setLength(0);
                }
                default -> {
                }
            }
        }
        b.append(String.format(Locale.ROOT, "%6s %-15s %-7s %s%n", "unit", "steps", "stored", "forward runs"));
        for (int u = 0; u < units; u++) {
            b.append(String.format(Locale.ROOT, "%6d %-15s %-7s %d%n", u, u * unitSteps + "-" + (Math.min(steps, (u + 1) * unitSteps) - 1), stored[u] ? "yes" : "", runs[u]));
        }
        return b.toString();
    }

    private void emit(String content) throws IOException {
        if (out == null) {
            spec.commandLine().getOut().print(content);
        } else {
            AtomicFiles.write(out, content.getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("wrote " + out);
        }
    }

    private Regularization regularization() {
        Limits.probability("--dropout", dropout);
        Limits.probability("--variational-dropout", variationalDropout);
        Limits.probability("--zoneout", zoneout);
        return new Regularization(dropout, variationalDropout, zoneout);
    }

    private Graph networkOnly(RecurrentSpec rs, Regularization reg) {
        dev.unfold.graph.GraphBuilder b = new dev.unfold.graph.GraphBuilder();
        new RecurrentNetwork(rs).unfold(b, steps, network.batch, DType.F32, reg, phase, new ArrayList<>());
        return b.build();
    }

    private String text(RecurrentSpec rs, Regularization reg) {
        RecurrentNetwork net = new RecurrentNetwork(rs);
        StringBuilder text = new StringBuilder();
        for (int l = 0; l < rs.layers(); l++) {
            if (l == 0 || net.cell(l).inputSize() != net.cell(l - 1).inputSize()) {
                text.append("layer ").append(l).append(l == 0 ? "" : " and above")
                        .append(rs.directions() == RecurrentSpec.Directions.BOTH ? " (each direction)" : "").append(": ");
                text.append(TextListing.folded(net.cell(l).fold(network.batch, DType.F32, Cell.Folding.of(reg, phase))));
            }
        }
        return text.append('\n').append(TextListing.unfolded(networkOnly(rs, reg))).toString();
    }

    private String html(RecurrentSpec rs, ProbeGraph.Probe probe, Detail d) {
        GradientFlow flow = GradientFlow.measure(probe.graph(), "loss", GradientFlow.randomFeeds(probe.graph(), seed, probe.masks()), probe.network());
        Annotations a = new Annotations("Values and gradients from one pass on random weights and inputs (seed " + seed
                + "), with L = Σ_t R_t · y_t for a random R.", flow.states(), flow.gradientNorms(), flow.jacobianNorms(), flow.stats());
        String title = rs.cell().id() + ", " + rs.layers() + " layer(s)" + (rs.directions() == RecurrentSpec.Directions.BOTH ? ", bidirectional" : "")
                + ", unfolded over " + steps + " steps";
        return new HtmlPage(title).graph(UnfoldedView.of(probe.graph()), d, a).render();
    }
}
