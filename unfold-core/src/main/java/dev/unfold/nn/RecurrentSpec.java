package dev.unfold.nn;

/**
 * A multi-layer recurrent network as PyTorch's {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU}
 * describe it: cell type, input and hidden width, number of stacked layers, one or two directions.
 */
public record RecurrentSpec(CellType cell, int inputSize, int hiddenSize, int layers, Directions directions) {
    /** Whether a second chain runs from the last step to the first. */
    public enum Directions {
        ONE(1), BOTH(2);

        private final int count;

        Directions(int count) {
            this.count = count;
        }

        public int count() {
            return count;
        }
    }

    public RecurrentSpec {
        if (inputSize <= 0 || hiddenSize <= 0 || layers <= 0) {
            throw new IllegalArgumentException("input size, hidden size and layers must be positive, got "
                    + inputSize + ", " + hiddenSize + ", " + layers);
        }
    }

    /** Width of the output at each step: D × H. */
    public int outputSize() {
        return directions.count() * hiddenSize;
    }

    /** PyTorch's suffix for layer {@code l}, direction {@code d}: {@code _l0}, {@code _l0_reverse}. */
    public static String suffix(int layer, int direction) {
        return "_l" + layer + (direction == 1 ? "_reverse" : "");
    }
}
