package dev.unfold.cli;

import dev.unfold.eval.RecurrentEvaluation;
import dev.unfold.io.SafeTensors;
import dev.unfold.io.TorchWeights;
import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.MemoryEstimate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold forward}: run PyTorch weights on an input, optionally with BPTT gradients. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Run a recurrent network with PyTorch weights over a time-major input.",
            "W holds a state dict by PyTorch's names; X holds 'input' [T,B,I] and optional 'h0', 'c0' [L*D,B,H], 'R' [T,B,D*H] and 'lengths' [B].",
            "With lengths, row b is a sequence of its first lengths[b] steps (PyTorch's packed sequences): outputs after it are zero,",
            "h_n and c_n are its states at its last step, and a reverse direction starts there.",
            "Y receives 'output', 'h_n', 'c_n' (LSTM) and, when R is given, the gradients of sum(R * output) as 'grad.<name>'."})
final class ForwardCommand implements Callable<Integer> {
    private static final Set<String> INPUTS = Set.of("input", "h0", "c0", "R", "lengths");

    @Option(names = "--cell", required = true, converter = Choices.Cell.class, description = "Cell: rnn_tanh, rnn_relu, lstm or gru.")
    CellType cell;

    @Option(names = "--layers", defaultValue = "1", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--bidirectional", description = "The weights include the reverse direction ('_reverse' names).")
    boolean bidirectional;

    @Option(names = "--weights", required = true, description = "safetensors file with the PyTorch state dict.")
    Path weights;

    @Option(names = "--input", required = true, description = "safetensors file with 'input' and optional 'h0', 'c0', 'R', 'lengths'.")
    Path input;

    @Option(names = "--out", required = true, description = "safetensors file to write.")
    Path out;

    @Option(names = "--allow-non-finite", description = "Run weights or inputs that hold NaN or infinite values (refused otherwise).")
    boolean allowNonFinite;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (cell == CellType.JORDAN) {
            throw new IllegalArgumentException("--cell jordan has no PyTorch weights; use rnn_tanh, rnn_relu, lstm or gru");
        }
        Limits.range("--layers", layers, 1, 64);
        Map<String, Tensor> w = SafeTensors.read(weights);
        Map<String, Tensor> x = SafeTensors.read(input);
        for (String name : x.keySet()) {
            if (!INPUTS.contains(name)) {
                throw new IllegalArgumentException(input + ": unexpected tensor '" + name + "' (expected input, h0, c0, R, lengths)");
            }
        }
        if (!x.containsKey("input")) {
            throw new IllegalArgumentException(input + ": missing tensor 'input' [T,B,I]");
        }
        if (!allowNonFinite) {
            requireFinite(weights, w);
            requireFinite(input, x);
        }
        RecurrentSpec rs = TorchWeights.inferSpec(cell, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE, w);
        Weights params = TorchWeights.match(rs, w);
        Tensor in = x.get("input");
        if (in.shape().rank() == 3) {
            MemoryEstimate.interpreted(rs, Math.max(1, in.shape().dim(1)), Math.max(1, in.shape().dim(0)), 8, x.containsKey("R"))
                    .requireFits("this forward pass of " + input);
        }
        Optional<SequenceLengths> lengths = Optional.empty();
        if (x.containsKey("lengths")) {
            if (in.shape().rank() != 3) {
                throw new IllegalArgumentException(input + ": input: expected shape [T, B, " + rs.inputSize() + "], got " + in.shape());
            }
            try {
                lengths = Optional.of(SequenceLengths.of(x.get("lengths"), in.shape().dim(0), in.shape().dim(1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(input + ": lengths: " + e.getMessage(), e);
            }
        }
        RecurrentEvaluation.Request request = new RecurrentEvaluation.Request(rs, params, x.get("input"),
                Optional.ofNullable(x.get("h0")), Optional.ofNullable(x.get("c0")), Optional.ofNullable(x.get("R")), lengths);
        RecurrentEvaluation.Result r = RecurrentEvaluation.run(request, DType.F64);
        Map<String, Tensor> result = new LinkedHashMap<>();
        result.put("output", r.output());
        result.put("h_n", r.hN());
        r.cN().ifPresent(c -> result.put("c_n", c));
        result.putAll(r.gradients());
        SafeTensors.write(out, result);
        spec.commandLine().getOut().printf("wrote %s: %s%n", out, String.join(", ", result.keySet()));
        return 0;
    }

    /** A tensor holding NaN or an infinity is refused, by name and position. */
    static void requireFinite(Path file, Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            for (int i = 0; i < t.size(); i++) {
                if (!Double.isFinite(t.get(i))) {
                    throw new IllegalArgumentException(file + ": tensor '" + dev.unfold.io.SafeText.clip(e.getKey()) + "' holds " + t.get(i) + " at element " + i
                            + " (--allow-non-finite runs it anyway)");
                }
            }
        }
    }
}
