package dev.unfold.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Names by index, built from training data and saved with a model: the classes of a task (whole numbers in
 * numeric order when every class is one, else in string order), or the symbols of a token model, whose index
 * 0 is the unknown symbol that every symbol outside the table maps to.
 */
public final class SymbolTable {
    /** The unknown symbol's name in a token table. */
    public static final String UNKNOWN = "\uFFFD";
    private final List<String> names;
    private final boolean unknownFirst;
    private final Map<String, Integer> index = new HashMap<>();

    private SymbolTable(List<String> names, boolean unknownFirst) {
        this.names = List.copyOf(names);
        this.unknownFirst = unknownFirst;
        for (int i = 0; i < this.names.size(); i++) {
            if (index.put(this.names.get(i), i) != null) {
                throw new IllegalArgumentException("the table lists '" + this.names.get(i) + "' twice");
            }
        }
    }

    /** The classes seen in {@code seen}. */
    public static SymbolTable classes(Collection<String> seen) {
        return new SymbolTable(ordered(seen), false);
    }

    /** The symbols seen in {@code seen}, after the unknown symbol. */
    public static SymbolTable symbols(Collection<String> seen) {
        List<String> all = new ArrayList<>(List.of(UNKNOWN));
        ordered(seen).stream().filter(s -> !s.equals(UNKNOWN)).forEach(all::add);
        return new SymbolTable(all, true);
    }

    /** A table from its saved names; {@code unknownFirst} for a token table. */
    public static SymbolTable fromNames(List<String> names, boolean unknownFirst) {
        if (names.isEmpty() || unknownFirst && !names.get(0).equals(UNKNOWN)) {
            throw new IllegalArgumentException(names.isEmpty() ? "a saved table has no names" : "a saved token table must start with the unknown symbol");
        }
        return new SymbolTable(names, unknownFirst);
    }

    private static List<String> ordered(Collection<String> seen) {
        TreeSet<String> distinct = new TreeSet<>(seen);
        boolean numbers = !distinct.isEmpty() && distinct.stream().allMatch(s -> s.matches("-?\\d{1,15}"));
        List<String> out = new ArrayList<>(distinct);
        if (numbers) {
            out.sort(Comparator.comparingLong(Long::parseLong));
        }
        return out;
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    public String name(int i) {
        return names.get(i);
    }

    public boolean unknownFirst() {
        return unknownFirst;
    }

    /** The index of {@code name}, or empty when the table does not hold it. */
    public OptionalInt indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** The index of a symbol, the unknown symbol's (0) for one outside a token table. */
    public int symbol(String name) {
        if (!unknownFirst) {
            throw new IllegalStateException("a class table has no unknown symbol");
        }
        return index.getOrDefault(name, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymbolTable t && t.unknownFirst == unknownFirst && t.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 2 + (unknownFirst ? 1 : 0);
    }

    @Override
    public String toString() {
        return (unknownFirst ? "symbols" : "classes") + names;
    }
}
