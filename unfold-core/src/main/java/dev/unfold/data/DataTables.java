package dev.unfold.data;

import java.util.Optional;

/**
 * What a model learned from its training data besides its weights, saved with it and applied unchanged
 * to every later file: the symbols of a text or token input, the classes of a classifier, and the
 * standardisation of numeric features and of regression targets.
 */
public record DataTables(SequenceFile.InputKind input, SequenceTask task, Optional<SymbolTable> symbols, Optional<SymbolTable> classes,
        Optional<Standardization> features, Optional<Standardization> targets, Optional<ForecastWindows.Shape> forecast) {
    /** The tables of a model that does not forecast. */
    public DataTables(SequenceFile.InputKind input, SequenceTask task, Optional<SymbolTable> symbols, Optional<SymbolTable> classes,
            Optional<Standardization> features, Optional<Standardization> targets) {
        this(input, task, symbols, classes, features, targets, Optional.empty());
    }

    public DataTables {
        if ((task == SequenceTask.FORECAST) != forecast.isPresent()) {
            throw new IllegalArgumentException(task == SequenceTask.FORECAST ? "a forecast needs its window and horizon" : "only a forecast has a window and horizon");
        }
        if ((input == SequenceFile.InputKind.VECTORS) == symbols.isPresent() || (input == SequenceFile.InputKind.VECTORS) != features.isPresent()) {
            throw new IllegalArgumentException("a " + input.field() + " input needs " + (input == SequenceFile.InputKind.VECTORS ? "a standardisation" : "a symbol table"));
        }
        boolean classTable = task == SequenceTask.CLASSIFY || task == SequenceTask.LABEL;
        if (classTable != classes.isPresent() || task.classes() == targets.isPresent()) {
            throw new IllegalArgumentException("a " + task.id() + " task needs " + (classTable ? "a class table and no target standardisation"
                    : task.classes() ? "neither a class table nor a target standardisation" : "a target standardisation and no class table"));
        }
        if (task == SequenceTask.LM && symbols.isEmpty()) {
            throw new IllegalArgumentException("a language model reads symbols (a text or tokens), not vectors");
        }
    }

    /** The tables of a training split: its symbols, classes and statistics. */
    public static DataTables of(SequenceFile train, SequenceTask task) {
        return of(train, task, Optional.empty());
    }

    /** As {@link #of(SequenceFile, SequenceTask)}, for a forecast of {@code forecast}'s shape (its windows as {@code train}). */
    public static DataTables of(SequenceFile train, SequenceTask task, Optional<ForecastWindows.Shape> forecast) {
        return of(train.examples(), train.input(), train.featureWidth(), train.targetWidth(), task, forecast);
    }

    /**
     * The tables of training sequences given as an {@link Iterable} of {@code input} steps (which a file's
     * sequences can be read from disk again for, rather than held): two passes, holding only distinct names.
     */
    public static DataTables of(Iterable<SequenceExample> train, SequenceFile.InputKind input, int featureWidth, int targetWidth, SequenceTask task,
            Optional<ForecastWindows.Shape> forecast) {
        Optional<SymbolTable> symbols = Optional.empty();
        Optional<Standardization> features = Optional.empty();
        if (input == SequenceFile.InputKind.VECTORS) {
            features = Optional.of(Standardization.of(() -> stream(train).flatMap(e -> java.util.Arrays.stream(((SequenceExample.Vectors) e.steps()).x())).iterator(),
                    featureWidth));
        } else {
            java.util.Set<String> seen = new java.util.HashSet<>();
            train.forEach(e -> seen.addAll(((SequenceExample.Symbols) e.steps()).symbols()));
            symbols = Optional.of(SymbolTable.symbols(seen));
        }
        Optional<SymbolTable> classes = Optional.empty();
        Optional<Standardization> targets = Optional.empty();
        if (task == SequenceTask.CLASSIFY || task == SequenceTask.LABEL) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            train.forEach(e -> {
                if (e.target() instanceof SequenceExample.Label l) {
                    seen.add(l.name());
                } else {
                    seen.addAll(((SequenceExample.Labels) e.target()).names());
                }
            });
            classes = Optional.of(SymbolTable.classes(seen));
        } else if (task != SequenceTask.LM) {
            targets = Optional.of(Standardization.of(() -> stream(train).map(e -> ((SequenceExample.Value) e.target()).y()).iterator(), targetWidth));
        }
        return new DataTables(input, task, symbols, classes, features, targets, forecast);
    }

    private static java.util.stream.Stream<SequenceExample> stream(Iterable<SequenceExample> examples) {
        return java.util.stream.StreamSupport.stream(examples.spliterator(), false);
    }

    /** Width of a step's input to the model: its symbols, or its features. */
    public int inputSize() {
        return symbols.map(SymbolTable::size).orElseGet(() -> features.orElseThrow().width());
    }

    /** Width of the model's output: its classes, or its target's values. */
    public int outputSize() {
        if (task == SequenceTask.LM) {
            return symbols.orElseThrow().size();
        }
        return classes.map(SymbolTable::size).orElseGet(() -> targets.orElseThrow().width());
    }
}
