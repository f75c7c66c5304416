package dev.unfold.cli;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.io.AtomicFiles;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.viz.TextListing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold show}: the folded and the unfolded graph of a network. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show the folded graph (the cell and its delay edges) and the unfolded graph over T steps.")
final class ShowCommand implements Callable<Integer> {
    /** Output formats. */
    enum Format { text }

    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Option(names = "--steps", defaultValue = "3", description = "Time steps T (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", description = "Write to this file instead of standard output.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Limits.range("--steps", steps, 1, 10_000);
        RecurrentSpec rs = network.spec();
        RecurrentNetwork net = new RecurrentNetwork(rs);
        StringBuilder text = new StringBuilder();
        for (int l = 0; l < rs.layers(); l++) {
            if (l == 0 || net.cell(l).inputSize() != net.cell(l - 1).inputSize()) {
                text.append("layer ").append(l).append(l == 0 ? "" : " and above").append(rs.directions() == RecurrentSpec.Directions.BOTH ? " (each direction)" : "").append(": ");
                text.append(TextListing.folded(net.cell(l).fold(network.batch, DType.F32)));
            }
        }
        GraphBuilder b = new GraphBuilder();
        net.unfold(b, steps, network.batch, DType.F32);
        Graph g = b.build();
        text.append('\n').append(TextListing.unfolded(g));
        if (out == null) {
            spec.commandLine().getOut().print(text);
        } else {
            AtomicFiles.write(out, text.toString().getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("wrote " + out);
        }
        return 0;
    }
}
