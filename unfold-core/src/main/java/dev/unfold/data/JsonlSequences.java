package dev.unfold.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.unfold.io.InputFiles;
import dev.unfold.io.SafeText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequences from JSON Lines, one sequence per line, read line by line:
 * <pre>
 * {"text": "bonjour", "label": "fr"}                 characters, one class per sequence
 * {"tokens": ["GET", "/a", "200"], "labels": [...]}  symbols, one class per step
 * {"x": [[0.1, 2.0], [0.3, 1.5]], "y": 0.7}          vectors, a value (or "y": [..] a vector) per sequence
 * {"x": [0.5, 0.7, 0.2], "ys": [1.0, 0.9, 0.4]}      a single feature per step, a value per step
 * </pre>
 * A class is a string or a whole number. Every line has the same kind of steps, target and widths; blank
 * lines are skipped and other fields ignored. A problem is one {@link IOException} naming the file and line.
 */
public final class JsonlSequences {
    /** The largest data file read: 1 GiB. */
    public static final long MAX_BYTES = 1L << 30;
    /** Memory a file's sequences take, per byte of the file, at most (doubles for the digits of numbers, strings for symbols). */
    static final double MEMORY_PER_BYTE = 6;

    private JsonlSequences() {
    }

    /** The sequences of {@code file}. */
    public static SequenceFile read(Path file) throws IOException {
        long size = InputFiles.requireRegular(file, "data", MAX_BYTES);
        InputFiles.requireMemory(file, (long) (size * MEMORY_PER_BYTE), "to hold its sequences");
        Lines lines = new Lines(file);
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            String text;
            while (true) {
                try {
                    text = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new IOException(file + ":" + (lines.line + 1) + ": not UTF-8 text");
                }
                if (text == null) {
                    break;
                }
                lines.add(text);
            }
        }
        return lines.file();
    }

    /** The state of a read: what the first line fixed, and the sequences so far. */
    static final class Lines {
        private final Path file;
        private final List<SequenceExample> examples = new ArrayList<>();
        private final Map<String, String> symbols = new HashMap<>();
        private long line;
        private SequenceFile.InputKind input;
        private SequenceFile.TargetKind target;
        private long firstLine;
        private int featureWidth;
        private int targetWidth;

        Lines(Path file) {
            this.file = file;
        }

        void add(String text) throws IOException {
            SequenceExample e = next(text);
            if (e != null) {
                examples.add(e);
            }
        }

        /** The next line's sequence, checked against the lines before it, or null for a blank line. */
        SequenceExample next(String text) throws IOException {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                return null;
            }
            JsonObject o = parse(text);
            SequenceFile.InputKind in = one(o, SequenceFile.InputKind.values(), "steps: \"text\", \"tokens\" or \"x\"");
            SequenceFile.TargetKind tk = targetKind(o);
            if (input == null) {
                input = in;
                target = tk;
                firstLine = line;
            } else if (in != input) {
                throw problem("has \"" + in.field() + "\", but line " + firstLine + " has \"" + input.field() + "\"; a file holds one kind of sequence");
            } else if (tk != target) {
                throw problem(tk == SequenceFile.TargetKind.NONE ? "has no target, but line " + firstLine + " has \"" + target.field() + "\""
                        : "has \"" + tk.field() + "\", but line " + firstLine + (target == SequenceFile.TargetKind.NONE ? " has no target"
                                : " has \"" + target.field() + "\""));
            }
            SequenceExample.Steps steps = steps(o.get(in.field()), in);
            return new SequenceExample(line, steps, target(o, tk, steps.length()));
        }

        /** Reads line {@code number} next (a line read again from an index, checked as its first reading was). */
        void at(long number) {
            line = number - 1;
        }

        /** The file as the lines so far describe it, holding {@code examples}. */
        SequenceFile file(List<SequenceExample> held) {
            return new SequenceFile(file, held, input, target, featureWidth, targetWidth);
        }

        boolean empty() {
            return input == null;
        }

        SequenceFile file() throws IOException {
            if (examples.isEmpty()) {
                throw new IOException(file + ": holds no sequences (one JSON object per line, such as {\"text\": \"bonjour\", \"label\": \"fr\"})");
            }
            return new SequenceFile(file, examples, input, target, featureWidth, targetWidth);
        }

        private JsonObject parse(String text) throws IOException {
            JsonElement e;
            boolean rest;
            try {
                JsonReader reader = new JsonReader(new StringReader(text));
                reader.setStrictness(Strictness.STRICT);
                e = JsonParser.parseReader(reader);
                rest = reader.peek() != JsonToken.END_DOCUMENT;
            } catch (JsonParseException | IOException x) {
                throw problem("is not valid JSON (" + SafeText.clip(firstSentence(x.getMessage())) + ")");
            }
            if (rest) {
                throw problem("holds more than one JSON value");
            }
            if (!e.isJsonObject()) {
                throw problem("is not a JSON object");
            }
            return e.getAsJsonObject();
        }

        private static String firstSentence(String m) {
            if (m == null) {
                return "unreadable";
            }
            int cut = m.indexOf("\nSee ");
            m = cut >= 0 ? m.substring(0, cut) : m;
            return m.replace("com.google.gson.stream.MalformedJsonException: ", "");
        }

        private <E extends Enum<E>> E one(JsonObject o, E[] kinds, String what) throws IOException {
            E found = null;
            for (E k : kinds) {
                String field = field(k);
                if (!field.isEmpty() && o.has(field)) {
                    if (found != null) {
                        throw problem("has both \"" + field(found) + "\" and \"" + field + "\"; give one");
                    }
                    found = k;
                }
            }
            if (found == null) {
                throw problem("has no " + what);
            }
            return found;
        }

        private static String field(Enum<?> k) {
            return k instanceof SequenceFile.InputKind i ? i.field() : ((SequenceFile.TargetKind) k).field();
        }

        private SequenceFile.TargetKind targetKind(JsonObject o) throws IOException {
            for (SequenceFile.TargetKind k : SequenceFile.TargetKind.values()) {
                if (k != SequenceFile.TargetKind.NONE && o.has(k.field())) {
                    return one(o, SequenceFile.TargetKind.values(), "target");
                }
            }
            return SequenceFile.TargetKind.NONE;
        }

        private SequenceExample.Steps steps(JsonElement e, SequenceFile.InputKind kind) throws IOException {
            switch (kind) {
                case TEXT -> {
                    String s = string(e, "\"text\"");
                    List<String> chars = new ArrayList<>();
                    s.codePoints().forEach(cp -> chars.add(intern(new String(Character.toChars(cp)))));
                    if (chars.isEmpty()) {
                        throw problem("has an empty sequence (\"text\" is \"\")");
                    }
                    return new SequenceExample.Symbols(chars);
                }
                case TOKENS -> {
                    JsonArray a = array(e, "\"tokens\"");
                    List<String> tokens = new ArrayList<>();
                    for (int t = 0; t < a.size(); t++) {
                        tokens.add(intern(symbol(a.get(t), "tokens[" + t + "]")));
                    }
                    return new SequenceExample.Symbols(tokens);
                }
                default -> {
                    double[][] x = vectors(array(e, "\"x\""), "x");
                    if (featureWidth == 0) {
                        featureWidth = x[0].length;
                    } else if (x[0].length != featureWidth) {
                        throw problem("has " + x[0].length + " features per step, but line " + firstLine + " has " + featureWidth);
                    }
                    return new SequenceExample.Vectors(x);
                }
            }
        }

        private SequenceExample.Target target(JsonObject o, SequenceFile.TargetKind kind, int length) throws IOException {
            switch (kind) {
                case NONE -> {
                    return new SequenceExample.None();
                }
                case LABEL -> {
                    return new SequenceExample.Label(intern(symbol(o.get("label"), "\"label\"")));
                }
                case LABELS -> {
                    JsonArray a = array(o.get("labels"), "\"labels\"");
                    requireLength("labels", a.size(), length);
                    List<String> names = new ArrayList<>();
                    for (int t = 0; t < a.size(); t++) {
                        names.add(intern(symbol(a.get(t), "labels[" + t + "]")));
                    }
                    return new SequenceExample.Labels(names);
                }
                case VALUE -> {
                    JsonElement y = o.get("y");
                    double[] v = y.isJsonArray() ? vector(y.getAsJsonArray(), "y") : new double[] {number(y, "\"y\"")};
                    width(v.length, "\"y\"");
                    return new SequenceExample.Value(v);
                }
                default -> {
                    double[][] ys = vectors(array(o.get("ys"), "\"ys\""), "ys");
                    requireLength("ys", ys.length, length);
                    width(ys[0].length, "\"ys\"");
                    return new SequenceExample.Values(ys);
                }
            }
        }

        private void requireLength(String field, int got, int length) throws IOException {
            if (got != length) {
                throw problem("has " + got + " \"" + field + "\" for a sequence of " + length + " steps");
            }
        }

        private void width(int got, String what) throws IOException {
            if (targetWidth == 0) {
                targetWidth = got;
            } else if (got != targetWidth) {
                throw problem(what + " has " + got + " values, but line " + firstLine + " has " + targetWidth);
            }
        }

        /** Steps of vectors, or of single numbers (one feature per step); every step of one width. */
        private double[][] vectors(JsonArray a, String name) throws IOException {
            if (a.isEmpty()) {
                throw problem("has an empty sequence (\"" + name + "\" is [])");
            }
            double[][] out = new double[a.size()][];
            for (int t = 0; t < a.size(); t++) {
                JsonElement e = a.get(t);
                out[t] = e.isJsonArray() ? vector(e.getAsJsonArray(), name + "[" + t + "]") : new double[] {number(e, name + "[" + t + "]")};
                if (out[t].length != out[0].length) {
                    throw problem(name + "[" + t + "] has " + out[t].length + " values, but " + name + "[0] has " + out[0].length);
                }
            }
            return out;
        }

        private double[] vector(JsonArray a, String name) throws IOException {
            if (a.isEmpty()) {
                throw problem(name + " is empty");
            }
            double[] v = new double[a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = number(a.get(i), name + "[" + i + "]");
            }
            return v;
        }

        private double number(JsonElement e, String name) throws IOException {
            if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
                throw problem(name + " is not a number: " + SafeText.clip(String.valueOf(e)));
            }
            double v = p.getAsDouble();
            if (!Double.isFinite(v)) {
                throw problem(name + " is " + p.getAsString() + ", which is not a finite number");
            }
            return v;
        }

        /** A class or token: a string, or a whole number written as one. */
        private String symbol(JsonElement e, String name) throws IOException {
            if (e instanceof JsonPrimitive p && p.isString()) {
                return p.getAsString();
            }
            if (e instanceof JsonPrimitive p && p.isNumber()) {
                double v = p.getAsDouble();
                if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                    return Long.toString((long) v);
                }
                throw problem(name + " is " + p.getAsString() + "; a class is a string or a whole number");
            }
            throw problem(name + " is not a string or a whole number: " + SafeText.clip(String.valueOf(e)));
        }

        private String string(JsonElement e, String name) throws IOException {
            if (e instanceof JsonPrimitive p && p.isString()) {
                return p.getAsString();
            }
            throw problem(name + " is not a string");
        }

        private JsonArray array(JsonElement e, String name) throws IOException {
            if (e == null || !e.isJsonArray()) {
                throw problem(name + " is not a list");
            }
            JsonArray a = e.getAsJsonArray();
            if (a.isEmpty() && (name.equals("\"tokens\""))) {
                throw problem("has an empty sequence (" + name + " is [])");
            }
            return a;
        }

        private String intern(String s) {
            return symbols.computeIfAbsent(s, k -> k);
        }

        private IOException problem(String what) {
            return new IOException(file + ":" + line + ": " + what);
        }
    }
}
