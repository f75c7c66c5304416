package dev.unfold.graph;

import java.util.Locale;

/**
 * What a node is in the model, for drawings, tools and exporters: its {@link Kind}, the recurrent layer
 * and direction it belongs to (if any), and for a parameter the {@link Part} it plays. Node names stay for
 * people; programs read roles.
 */
public record Role(Kind kind, Layer layer, Part part) {
    /** A node outside any model (a graph built by hand). */
    public static final Role NONE = new Role(Kind.OTHER, Layer.NONE, Part.NONE);

    /** What a node is. */
    public enum Kind {
        /** A trainable parameter. */
        PARAMETER,
        /** A fixed value. */
        CONSTANT,
        /** A step's input, and what turns it into the network's input (an embedding lookup, a one-hot code). */
        INPUT,
        /** A step's target. */
        TARGET,
        /** A carried state: its initial value, and its value after each step. */
        STATE,
        /** An operation inside a recurrent cell that is not a carried state (gates, pre-activations). */
        GATE,
        /** What a layer or the model emits at a step. */
        OUTPUT,
        /** A loss, or part of one. */
        LOSS,
        /** A fed weighting that probes a vector-Jacobian product (gradient checks, parity tests). */
        PROBE,
        /** A dropout or zoneout mask, fed for each training window. */
        MASK,
        /** Whether each row's step lies within its sequence: 1 inside its length, 0 in the padding after it. */
        VALID,
        /** A node of the backward pass. */
        GRADIENT,
        /** Anything else. */
        OTHER
    }

    /** The part a parameter plays, in the book's letters where it has one. */
    public enum Part {
        /** U: input to hidden. */
        INPUT_WEIGHT("U"),
        /** W: hidden to hidden. */
        HIDDEN_WEIGHT("W"),
        /** W of a Jordan network: the previous output to the hidden units. */
        OUTPUT_FEEDBACK_WEIGHT("W"),
        /** V: hidden to output. */
        OUTPUT_WEIGHT("V"),
        /** A bias vector. */
        BIAS(""),
        /** E: the embedding table. */
        EMBEDDING("E"),
        /** Not a parameter. */
        NONE("");

        private final String letter;

        Part(String letter) {
            this.letter = letter;
        }

        /** The book's letter for this part, or "" when it has none. */
        public String letter() {
            return letter;
        }
    }

    /** A recurrent layer and direction; {@link #NONE} for nodes outside the recurrent layers. */
    public record Layer(int index, Direction direction) {
        public static final Layer NONE = new Layer(-1, Direction.FORWARD);

        public boolean isNone() {
            return index < 0;
        }

        /** The layer's name in listings and node names: {@code l0}, {@code l1_reverse}. */
        public String scope() {
            return isNone() ? "" : "l" + index + (direction == Direction.REVERSE ? "_reverse" : "");
        }
    }

    public static Role of(Kind kind) {
        return new Role(kind, Layer.NONE, Part.NONE);
    }

    public static Role of(Kind kind, Layer layer) {
        return new Role(kind, layer, Part.NONE);
    }

    public static Role parameter(Part part, Layer layer) {
        return new Role(Kind.PARAMETER, layer, part);
    }

    /** This role with another kind, in the same layer. */
    public Role as(Kind k) {
        return new Role(k, layer, k == Kind.PARAMETER ? part : Part.NONE);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + (layer.isNone() ? "" : " " + layer.scope()) + (part == Part.NONE ? "" : " " + part.name().toLowerCase(Locale.ROOT));
    }
}
