package dev.unfold.data;

import dev.unfold.nn.SequenceLengths;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A data file's sequences as a model reads them: symbols as indices of its table (0 for a symbol it never
 * saw), features standardised, classes as indices (or {@link #UNKNOWN_CLASS} for a class the model never
 * saw, counted), values standardised. {@link #batch} pads a set of them into a time-major {@link Episode}.
 */
public final class EncodedSequences implements SequenceStore {
    /** The class index of a sequence whose class is not in the model's table. */
    public static final int UNKNOWN_CLASS = -1;
    private final SequenceFile file;
    private final DataTables tables;
    private final List<Row> rows;
    private final int unknownClasses;
    private final boolean targets;
    private final PaddedLengths padded;

    /**
     * One sequence: token indices or standardised features, and (when the file has targets) its class index, its
     * standardised value, or a class index per step (a language model's: the next symbol's index).
     */
    public record Row(int[] tokens, float[][] x, int label, double[] y, int[] labels, long line) {
        public int length() {
            return tokens != null ? tokens.length : x.length;
        }
    }

    private EncodedSequences(SequenceFile file, DataTables tables, List<Row> rows, int unknownClasses, boolean targets) {
        this.file = file;
        this.tables = tables;
        this.rows = List.copyOf(rows);
        this.unknownClasses = unknownClasses;
        this.targets = targets;
        this.padded = PaddedLengths.of(this.rows.isEmpty() ? new int[] {1} : this.rows.stream().mapToInt(Row::length).toArray());
    }

    /** The lengths this file's batches are padded to. */
    public PaddedLengths padded() {
        return padded;
    }

    /**
     * {@code file} encoded with {@code tables}; with {@code needTargets}, each sequence must have the task's target.
     * A file of another kind than the model reads is refused, naming both.
     */
    public static EncodedSequences of(SequenceFile file, DataTables tables, boolean needTargets) throws IOException {
        if (file.input() != tables.input()) {
            throw new IOException(file.file() + ": holds \"" + file.input().field() + "\" sequences, and the model reads \"" + tables.input().field() + "\"");
        }
        if (tables.features().isPresent() && file.featureWidth() != tables.features().get().width()) {
            throw new IOException(file.file() + ": has " + file.featureWidth() + " features per step, and the model reads " + tables.features().get().width());
        }
        boolean lm = tables.task() == SequenceTask.LM;
        boolean targets = lm || file.target() != SequenceFile.TargetKind.NONE;
        if (!lm && (targets && file.target() != tables.task().target() || !targets && needTargets)) {
            throw new IOException(file.file() + ": " + (targets ? "has \"" + file.target().field() + "\" targets" : "has no targets") + ", and a "
                    + tables.task().id() + " model needs \"" + tables.task().target().field() + "\"");
        }
        if (targets && tables.targets().isPresent() && file.targetWidth() != tables.targets().get().width()) {
            throw new IOException(file.file() + ": has " + file.targetWidth() + " values per target, and the model predicts " + tables.targets().get().width());
        }
        List<Row> rows = new ArrayList<>();
        int unknown = 0;
        for (SequenceExample e : file.examples()) {
            int[] tokens = null;
            float[][] x = null;
            int[] labels = null;
            if (e.steps() instanceof SequenceExample.Symbols s) {
                SymbolTable table = tables.symbols().orElseThrow();
                tokens = s.symbols().stream().mapToInt(table::symbol).toArray();
                if (lm) {
                    if (tokens.length < 2) {
                        throw new IOException(file.file() + ":" + e.line() + ": a sequence of one symbol has no next symbol to learn; a language model needs 2 or more");
                    }
                    labels = java.util.Arrays.copyOfRange(tokens, 1, tokens.length);
                    tokens = java.util.Arrays.copyOf(tokens, tokens.length - 1);
                }
            } else {
                Standardization z = tables.features().orElseThrow();
                double[][] raw = ((SequenceExample.Vectors) e.steps()).x();
                x = new float[raw.length][];
                for (int t = 0; t < raw.length; t++) {
                    double[] v = z.apply(raw[t]);
                    x[t] = new float[v.length];
                    for (int i = 0; i < v.length; i++) {
                        x[t][i] = (float) v[i];
                    }
                }
            }
            int label = UNKNOWN_CLASS;
            double[] y = null;
            if (e.target() instanceof SequenceExample.Label l) {
                label = tables.classes().orElseThrow().indexOf(l.name()).orElse(UNKNOWN_CLASS);
                unknown += label == UNKNOWN_CLASS ? 1 : 0;
            } else if (e.target() instanceof SequenceExample.Value v) {
                y = tables.targets().orElseThrow().apply(v.y());
            } else if (e.target() instanceof SequenceExample.Labels ls && !lm) {
                SymbolTable classes = tables.classes().orElseThrow();
                labels = ls.names().stream().mapToInt(n -> classes.indexOf(n).orElse(UNKNOWN_CLASS)).toArray();
                unknown += (int) java.util.Arrays.stream(labels).filter(l -> l == UNKNOWN_CLASS).count();
            }
            rows.add(new Row(tokens, x, label, y, labels, e.line()));
        }
        return new EncodedSequences(file, tables, rows, unknown, targets);
    }

    public SequenceFile file() {
        return file;
    }

    @Override
    public DataTables tables() {
        return tables;
    }

    @Override
    public int size() {
        return rows.size();
    }

    public Row row(int i) {
        return rows.get(i);
    }

    public boolean hasTargets() {
        return targets;
    }

    /** Sequences (or, for a model of a class per step, steps) whose class the model's table does not hold. */
    public int unknownClasses() {
        return unknownClasses;
    }

    @Override
    public int[] lengths() {
        return rows.stream().mapToInt(Row::length).toArray();
    }

    /** The same sequences restricted to {@code indices}, in that order. */
    public EncodedSequences subset(int[] indices) {
        List<Row> picked = new ArrayList<>();
        int unknown = 0;
        for (int i : indices) {
            Row r = rows.get(i);
            picked.add(r);
            if (targets && tables.task() == SequenceTask.CLASSIFY) {
                unknown += r.label() == UNKNOWN_CLASS ? 1 : 0;
            } else if (targets && tables.task() == SequenceTask.LABEL) {
                unknown += (int) java.util.Arrays.stream(r.labels()).filter(l -> l == UNKNOWN_CLASS).count();
            }
        }
        return new EncodedSequences(file, tables, picked, unknown, targets);
    }

    /** The sequences {@code indices} padded into one time-major batch with each row's length. */
    @Override
    public Padded batch(int[] indices, DType dtype) {
        return new Padded(indices, dtype, 0);
    }

    /** As {@link #batch(int[], DType)}, padded to {@code steps} steps (at least its longest sequence's). */
    public Padded batch(int[] indices, DType dtype, int steps) {
        return new Padded(indices, dtype, steps);
    }

    /**
     * A padded batch: inputs at every step (a padded step reads index 0 or zeros, which the masked graph
     * ignores), and the targets at the last step, where a per-sequence output is read.
     */
    public final class Padded implements Episode {
        private final int[] indices;
        private final DType dtype;
        private final SequenceLengths lengths;
        private final long scored;

        private Padded(int[] indices, DType dtype, int steps) {
            this.indices = indices.clone();
            this.dtype = dtype;
            int[] l = new int[indices.length];
            int longest = 0;
            for (int b = 0; b < indices.length; b++) {
                l[b] = rows.get(indices[b]).length();
                longest = Math.max(longest, l[b]);
            }
            if (steps > 0 && steps < longest) {
                throw new IllegalArgumentException("a batch whose longest sequence has " + longest + " steps cannot run in " + steps);
            }
            this.lengths = SequenceLengths.of(steps > 0 ? steps : padded.steps(longest), l);
            long known = 0;
            if (tables.task().perStep() && targets) {
                for (int index : indices) {
                    known += java.util.Arrays.stream(rows.get(index).labels()).filter(c -> c != UNKNOWN_CLASS).count();
                }
            }
            this.scored = known;
        }

        /** The sequences of the batch, by index in the encoded file. */
        public int[] indices() {
            return indices.clone();
        }

        @Override
        public int length() {
            return lengths.steps();
        }

        @Override
        public Optional<SequenceLengths> lengths() {
            return Optional.of(lengths);
        }

        @Override
        public Tensor input(int t) {
            int batch = indices.length;
            if (tables.symbols().isPresent()) {
                return Tensor.generate(dtype, Shape.of(batch), b -> {
                    int[] tokens = rows.get(indices[b]).tokens();
                    return t < tokens.length ? tokens[t] : 0;
                });
            }
            int width = tables.features().orElseThrow().width();
            return Tensor.generate(dtype, Shape.of(batch, width), i -> {
                float[][] x = rows.get(indices[i / width]).x();
                return t < x.length ? x[t][i % width] : 0;
            });
        }

        @Override
        public Optional<Tensor> target(int t) {
            int batch = indices.length;
            if (tables.task().perStep() && targets) {
                return Optional.of(Tensor.generate(dtype, Shape.of(batch), b -> {
                    int[] labels = rows.get(indices[b]).labels();
                    return t < labels.length ? Math.max(0, labels[t]) : 0;
                }));
            }
            if (t != length() - 1 || !targets) {
                return Optional.empty();
            }
            if (tables.classes().isPresent()) {
                return Optional.of(Tensor.generate(dtype, Shape.of(batch), b -> Math.max(0, rows.get(indices[b]).label())));
            }
            int width = tables.targets().orElseThrow().width();
            return Optional.of(Tensor.generate(dtype, Shape.of(batch, width), i -> rows.get(indices[i / width]).y()[i % width]));
        }

        /** Each valid step of a known class weighs 1 over the batch's such steps; padding and unknown classes weigh 0. */
        @Override
        public Optional<Tensor> weight(int t) {
            if (!tables.task().perStep() || !targets) {
                return Optional.empty();
            }
            double each = scored == 0 ? 0 : 1.0 / scored;
            return Optional.of(Tensor.generate(dtype, Shape.of(indices.length, 1), b -> {
                int[] labels = rows.get(indices[b]).labels();
                return t < labels.length && labels[t] != UNKNOWN_CLASS ? each : 0;
            }));
        }
    }
}
