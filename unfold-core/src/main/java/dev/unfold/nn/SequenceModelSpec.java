package dev.unfold.nn;

/**
 * A sequence model: what comes in at each step, the recurrent network, what comes out, and how it is
 * regularised. Tokens enter through an embedding of width {@code embedding}, or one-hot when it is 0; vectors
 * enter as they are. The decoder is a linear layer from the network's output to {@code output.size()}: class
 * logits under softmax cross-entropy, or values under mean squared error. With {@code lengths}, each row of a
 * batch is a sequence of its own length ({@link SequenceLengths}), padded after it.
 */
public record SequenceModelSpec(Input input, RecurrentSpec rnn, Output output, Regularization regularization, boolean lengths) {
    /** A model without regularisation. */
    public SequenceModelSpec(Input input, RecurrentSpec rnn, Output output) {
        this(input, rnn, output, Regularization.NONE);
    }

    /** A model whose batches' sequences all fill every step. */
    public SequenceModelSpec(Input input, RecurrentSpec rnn, Output output, Regularization regularization) {
        this(input, rnn, output, regularization, false);
    }

    /** How a step's input is given. */
    public enum InputKind { TOKENS, VECTORS }

    /** How a step's output is scored. */
    public enum OutputKind { CLASSES, VALUES }

    /**
     * Where the decoder reads: the top layer's output at every step, or once per sequence its final states
     * (each direction's h_n: the forward chain's at the sequence's last step, the reverse chain's at its first).
     */
    public enum Reads { EVERY_STEP, FINAL_STATE }

    /** {@code size} is the vocabulary for tokens, the width for vectors. */
    public record Input(InputKind kind, int size, int embedding) {
        public Input {
            if (size <= 0 || embedding < 0 || (kind == InputKind.VECTORS && embedding != 0)) {
                throw new IllegalArgumentException("the input size must be positive, the embedding width not negative, and only tokens take an embedding");
            }
        }

        /** Width of what the network reads. */
        public int networkWidth() {
            return embedding > 0 ? embedding : size;
        }
    }

    public record Output(OutputKind kind, int size, Reads reads) {
        public Output {
            if (size <= 0) {
                throw new IllegalArgumentException("output size must be positive, got " + size);
            }
            java.util.Objects.requireNonNull(reads, "reads");
        }

        /** An output at every step. */
        public Output(OutputKind kind, int size) {
            this(kind, size, Reads.EVERY_STEP);
        }
    }

    public SequenceModelSpec {
        java.util.Objects.requireNonNull(regularization, "regularization");
        if (rnn.inputSize() != input.networkWidth()) {
            throw new IllegalArgumentException("the network reads " + rnn.inputSize() + " features, the input gives " + input.networkWidth());
        }
    }
}
