package dev.unfold.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The cells Unfold knows, by their command-line names. */
public enum CellType {
    RNN_TANH, RNN_RELU, LSTM, GRU, JORDAN;

    /** The command-line and file name of this cell: {@code rnn_tanh}, {@code lstm}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A cell of this type. A Jordan cell's output, its carried state, has the hidden width so that
     * layers stack.
     */
    public Cell create(int inputSize, int hiddenSize) {
        return switch (this) {
            case RNN_TANH -> new RnnCell(inputSize, hiddenSize, RnnCell.Activation.TANH);
            case RNN_RELU -> new RnnCell(inputSize, hiddenSize, RnnCell.Activation.RELU);
            case LSTM -> new LstmCell(inputSize, hiddenSize);
            case GRU -> new GruCell(inputSize, hiddenSize);
            case JORDAN -> new JordanCell(inputSize, hiddenSize, hiddenSize);
        };
    }

    /** The type named {@code id}, or an exception listing the known names. */
    public static CellType parse(String id) {
        for (CellType t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + id + "'; known cells: "
                + Arrays.stream(values()).map(CellType::id).collect(Collectors.joining(", ")));
    }
}
