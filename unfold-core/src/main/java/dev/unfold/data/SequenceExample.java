package dev.unfold.data;

import java.util.List;

/**
 * One sequence of a data file as it was written: its steps and its target, with the line it came from.
 * Classes and symbols stay strings here; a model's {@link DataTables} turn them into indices.
 */
public record SequenceExample(long line, Steps steps, Target target) {
    /** The steps of a sequence: symbols (a text's characters, or tokens) or feature vectors. */
    public sealed interface Steps {
        int length();
    }

    /** A sequence of symbols: the characters of a {@code "text"} or the entries of {@code "tokens"}. */
    public record Symbols(List<String> symbols) implements Steps {
        public Symbols {
            symbols = List.copyOf(symbols);
        }

        @Override
        public int length() {
            return symbols.size();
        }
    }

    /** A sequence of feature vectors {@code x[t][f]}, all of one width. */
    public record Vectors(double[][] x) implements Steps {
        @Override
        public int length() {
            return x.length;
        }

        public int width() {
            return x[0].length;
        }
    }

    /** What the sequence is to be mapped to. */
    public sealed interface Target {
    }

    /** No target (data to predict on). */
    public record None() implements Target {
    }

    /** One class for the whole sequence ({@code "label"}). */
    public record Label(String name) implements Target {
    }

    /** One class per step ({@code "labels"}). */
    public record Labels(List<String> names) implements Target {
        public Labels {
            names = List.copyOf(names);
        }
    }

    /** A value or vector for the whole sequence ({@code "y"}). */
    public record Value(double[] y) implements Target {
    }

    /** A value or vector per step ({@code "ys"}). */
    public record Values(double[][] ys) implements Target {
    }
}
