package dev.unfold.cli;

import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import picocli.CommandLine.Option;

/** The options that describe a network's shape, shared by {@code gradcheck} and {@code show}. */
final class NetworkOptions {
    @Option(names = "--cell", converter = Choices.Cell.class,
            description = "Cell: rnn_tanh, rnn_relu, lstm, gru or jordan.")
    CellType cell;

    @Option(names = "--layers", defaultValue = "1", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--bidirectional", description = "Add a second chain running from the last step to the first.")
    boolean bidirectional;

    @Option(names = "--hidden", defaultValue = "3", description = "Hidden units per layer (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--input-size", defaultValue = "2", description = "Input features per step (default: ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--batch", defaultValue = "2", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    RecurrentSpec spec() {
        if (cell == null) {
            throw new IllegalArgumentException("--cell is required (rnn_tanh, rnn_relu, lstm, gru or jordan)");
        }
        Limits.range("--layers", layers, 1, 16);
        Limits.range("--hidden", hidden, 1, 4096);
        Limits.range("--input-size", inputSize, 1, 1 << 16);
        Limits.range("--batch", batch, 1, 1 << 16);
        return new RecurrentSpec(cell, inputSize, hidden, layers,
                bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
    }
}
