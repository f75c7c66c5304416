package dev.unfold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JSON Lines in: every kind of sequence and target, and every bad line named by file and line. */
class JsonlSequencesTest {
    @TempDir
    Path tmp;

    private Path file(String... lines) throws IOException {
        Path f = tmp.resolve("data.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void charactersWithAClassPerSequence() throws IOException {
        SequenceFile f = JsonlSequences.read(file("{\"text\": \"bonjour\", \"label\": \"fr\"}", "", "{\"text\": \"hé\", \"label\": 3, \"id\": 7}"));
        assertEquals(SequenceFile.InputKind.TEXT, f.input());
        assertEquals(SequenceFile.TargetKind.LABEL, f.target());
        assertEquals(2, f.size());
        assertEquals(List.of("h", "é"), ((SequenceExample.Symbols) f.examples().get(1).steps()).symbols());
        assertEquals("3", ((SequenceExample.Label) f.examples().get(1).target()).name());
        assertEquals(3, f.examples().get(1).line());
        assertEquals(9, f.steps());
        assertEquals(7, f.longest());
    }

    @Test
    void tokensWithAClassPerStep() throws IOException {
        SequenceFile f = JsonlSequences.read(file("{\"tokens\": [\"GET\", \"/a\", 200], \"labels\": [\"verb\", \"path\", \"code\"]}"));
        assertEquals(List.of("GET", "/a", "200"), ((SequenceExample.Symbols) f.examples().get(0).steps()).symbols());
        assertEquals(List.of("verb", "path", "code"), ((SequenceExample.Labels) f.examples().get(0).target()).names());
        assertTrue(f.target().perStep());
    }

    @Test
    void vectorsWithValues() throws IOException {
        SequenceFile f = JsonlSequences.read(file("{\"x\": [[0.1, 2.0], [0.3, 1.5]], \"y\": [0.7, 1]}", "{\"x\": [[1, 2]], \"y\": [3, 4]}"));
        assertEquals(2, f.featureWidth());
        assertEquals(2, f.targetWidth());
        assertArrayEquals(new double[] {0.3, 1.5}, ((SequenceExample.Vectors) f.examples().get(0).steps()).x()[1]);
        SequenceFile series = JsonlSequences.read(file("{\"x\": [0.5, 0.7, 0.2], \"ys\": [1.0, 0.9, 0.4]}"));
        assertEquals(1, series.featureWidth());
        assertEquals(1, series.targetWidth());
        assertArrayEquals(new double[] {0.9}, ((SequenceExample.Values) series.examples().get(0).target()).ys()[1]);
    }

    @Test
    void dataWithoutTargets() throws IOException {
        SequenceFile f = JsonlSequences.read(file("{\"text\": \"abc\"}"));
        assertEquals(SequenceFile.TargetKind.NONE, f.target());
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
            Arguments.of("ragged feature widths", "{\"x\": [[1, 2]], \"y\": 1}⏎{\"x\": [[1, 2, 3]], \"y\": 1}", ":2: has 3 features per step, but line 1 has 2"),
            Arguments.of("ragged steps", "{\"x\": [[1, 2], [3]], \"y\": 1}", ":1: x\\[1\\] has 1 values, but x\\[0\\] has 2"),
            Arguments.of("an empty text", "{\"text\": \"\", \"label\": \"a\"}", ":1: has an empty sequence"),
            Arguments.of("empty tokens", "{\"tokens\": [], \"label\": \"a\"}", ":1: has an empty sequence"),
            Arguments.of("empty vectors", "{\"x\": [], \"y\": 1}", ":1: has an empty sequence"),
            Arguments.of("NaN", "{\"x\": [NaN], \"y\": 1}", ":1: is not valid JSON"),
            Arguments.of("an overflowing number", "{\"x\": [1e999], \"y\": 1}", ":1: x\\[0\\] is 1e999, which is not a finite number"),
            Arguments.of("a string feature", "{\"x\": [[1, \"a\"]], \"y\": 1}", ":1: x\\[0\\]\\[1\\] is not a number"),
            Arguments.of("no steps", "{\"label\": \"a\"}", ":1: has no steps"),
            Arguments.of("two kinds of steps", "{\"text\": \"a\", \"tokens\": [\"a\"]}", ":1: has both \"text\" and \"tokens\""),
            Arguments.of("two targets", "{\"text\": \"a\", \"label\": \"a\", \"y\": 1}", ":1: has both \"label\" and \"y\""),
            Arguments.of("kinds change", "{\"text\": \"a\", \"label\": \"x\"}⏎{\"tokens\": [\"a\"], \"label\": \"x\"}", ":2: has \"tokens\", but line 1 has \"text\""),
            Arguments.of("a target goes missing", "{\"text\": \"a\", \"label\": \"x\"}⏎{\"text\": \"b\"}", ":2: has no target, but line 1 has \"label\""),
            Arguments.of("too few labels", "{\"tokens\": [\"a\", \"b\"], \"labels\": [\"x\"]}", ":1: has 1 \"labels\" for a sequence of 2 steps"),
            Arguments.of("a fractional class", "{\"text\": \"a\", \"label\": 1.5}", ":1: \"label\" is 1.5; a class is a string or a whole number"),
            Arguments.of("not an object", "[1, 2]", ":1: is not a JSON object"),
            Arguments.of("broken JSON", "{\"text\": \"a\"", ":1: is not valid JSON"),
            Arguments.of("trailing garbage", "{\"text\": \"a\"} x", ":1: (is not valid JSON|holds more than one)"),
            Arguments.of("target widths change", "{\"x\": [1], \"y\": [1, 2]}⏎{\"x\": [1], \"y\": [1]}", ":2: \"y\" has 1 values, but line 1 has 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void badLinesAreNamed(String name, String content, String message) throws IOException {
        Path f = file(content.split("⏎"));
        IOException e = assertThrows(IOException.class, () -> JsonlSequences.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(Pattern.compile(message).matcher(e.getMessage()).find(), name + ": " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void emptyAndBinaryFiles() throws IOException {
        Path empty = file("", "  ");
        assertTrue(assertThrows(IOException.class, () -> JsonlSequences.read(empty)).getMessage().contains("holds no sequences"));
        Path binary = tmp.resolve("b.jsonl");
        Files.write(binary, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xff, '"', '}', '\n'});
        assertTrue(assertThrows(IOException.class, () -> JsonlSequences.read(binary)).getMessage().endsWith(":1: not UTF-8 text"));
        assertTrue(assertThrows(IOException.class, () -> JsonlSequences.read(tmp)).getMessage().contains("is a folder"));
    }

    @Test
    void classesAndSymbols() {
        SymbolTable classes = SymbolTable.classes(List.of("10", "2", "2", "1"));
        assertEquals(List.of("1", "2", "10"), classes.names());
        assertTrue(classes.indexOf("3").isEmpty());
        SymbolTable words = SymbolTable.classes(List.of("fr", "de", "en"));
        assertEquals(List.of("de", "en", "fr"), words.names());
        SymbolTable tokens = SymbolTable.symbols(List.of("b", "a"));
        assertEquals(List.of(SymbolTable.UNKNOWN, "a", "b"), tokens.names());
        assertEquals(0, tokens.symbol("zzz"));
        assertEquals(2, tokens.symbol("b"));
        assertEquals(tokens.names(), SymbolTable.fromNames(tokens.names(), true).names());
    }

    @Test
    void standardizationUsesTrainingStatistics() {
        Standardization s = Standardization.of(List.of(new double[] {1e9 + 1, 5}, new double[] {1e9 + 3, 5}), 2);
        assertEquals(1e9 + 2, s.mean()[0], 1e-6);
        assertEquals(Math.sqrt(2), s.std()[0], 1e-6);
        assertEquals(1, s.std()[1]);
        assertArrayEquals(new double[] {1e9 + 3, 5}, s.invert(s.apply(new double[] {1e9 + 3, 5})), 1e-6);
    }

    @Test
    void fewLengthsPadToTheirOwnLongestManyToQuantiles() {
        PaddedLengths few = PaddedLengths.of(new int[] {3, 7, 7, 12});
        assertEquals(7, few.steps(7));
        assertEquals(12, few.steps(8));
        int[] many = new int[241];
        for (int i = 0; i < many.length; i++) {
            many[i] = 16 + i;
        }
        PaddedLengths q = PaddedLengths.of(many);
        assertTrue(q.count() <= PaddedLengths.MOST);
        assertEquals(256, q.steps(256));
        for (int l = 16; l <= 256; l++) {
            assertTrue(q.steps(l) >= l && q.steps(l) - l < 12, l + " pads to " + q.steps(l));
        }
        assertEquals(0, new LengthBuckets(new int[] {137, 137, 137, 137}, 2, 1).paddedShare(0));
    }

    @Test
    void bucketsKeepPaddingSmallAndCoverEverySequenceOnce() {
        java.util.Random rng = new java.util.Random(7);
        int[] lengths = new int[2000];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 16 + rng.nextInt(241);
        }
        LengthBuckets buckets = new LengthBuckets(lengths, 32, 5);
        List<LengthBuckets.Batch> epoch = buckets.epoch(0);
        int[] seen = new int[lengths.length];
        epoch.forEach(b -> java.util.Arrays.stream(b.rows()).forEach(r -> seen[r]++));
        assertTrue(java.util.Arrays.stream(seen).allMatch(n -> n == 1));
        assertTrue(buckets.paddedShare(0) < 0.08, "padded share " + buckets.paddedShare(0));
        assertTrue(epoch.stream().mapToInt(LengthBuckets.Batch::steps).distinct().count() <= PaddedLengths.MOST);
        double unbucketed = 1 - java.util.Arrays.stream(lengths).average().orElseThrow() / 256;
        assertTrue(unbucketed > 0.3);
        assertEquals(epoch.stream().map(b -> java.util.Arrays.toString(b.rows())).toList(),
                buckets.epoch(0).stream().map(b -> java.util.Arrays.toString(b.rows())).toList());
        assertTrue(!java.util.Arrays.equals(epoch.get(0).rows(), buckets.epoch(1).get(0).rows()));
    }
}
