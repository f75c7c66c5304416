package dev.unfold.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The characters a model knows, by index. Index 0 is the unknown symbol, which every character outside
 * the vocabulary maps to; the others are the corpus's code points in ascending order.
 */
public final class Vocabulary {
    /** The text of the unknown symbol in listings and samples. */
    public static final String UNKNOWN = "\uFFFD";
    private final List<String> symbols;
    private final Map<Integer, Integer> index = new HashMap<>();

    private Vocabulary(List<String> symbols) {
        this.symbols = List.copyOf(symbols);
        for (int i = 1; i < symbols.size(); i++) {
            String s = symbols.get(i);
            if (s.codePointCount(0, s.length()) != 1) {
                throw new IllegalArgumentException("vocabulary entry " + i + " is not one character: '" + s + "'");
            }
            if (index.put(s.codePointAt(0), i) != null) {
                throw new IllegalArgumentException("vocabulary lists '" + s + "' twice");
            }
        }
    }

    /** The vocabulary of {@code text}: the unknown symbol, then its distinct characters in code-point order. */
    public static Vocabulary of(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().forEach(cps::add);
        List<String> symbols = new ArrayList<>();
        symbols.add(UNKNOWN);
        cps.forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        return new Vocabulary(symbols);
    }

    /** A vocabulary from its saved symbol list (unknown symbol first). */
    public static Vocabulary fromSymbols(List<String> symbols) {
        if (symbols.isEmpty() || !symbols.get(0).equals(UNKNOWN)) {
            throw new IllegalArgumentException("a saved vocabulary must start with the unknown symbol");
        }
        return new Vocabulary(symbols);
    }

    public List<String> symbols() {
        return symbols;
    }

    public int size() {
        return symbols.size();
    }

    /** The text as indices, and how many of its characters were unknown. */
    public record Encoded(int[] ids, int unknown) {
    }

    public Encoded encode(String text) {
        int[] ids = text.codePoints().map(cp -> index.getOrDefault(cp, 0)).toArray();
        int unknown = 0;
        for (int id : ids) {
            if (id == 0) {
                unknown++;
            }
        }
        return new Encoded(ids, unknown);
    }

    public String decode(int id) {
        return symbols.get(id);
    }
}
