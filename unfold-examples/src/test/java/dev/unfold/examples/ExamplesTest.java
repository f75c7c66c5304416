package dev.unfold.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples run, and the README's first Java block is the character example, compiling and running as it stands. */
class ExamplesTest {
    @TempDir
    Path tmp;

    @Test
    void characterModelTrainsSavesLoadsAndSamples() throws Exception {
        String out = captured(() -> CharacterModel.main(new String[] {"40"}));
        Matcher m = Pattern.compile("validation: (\\d+\\.\\d+) bits per character").matcher(out);
        assertTrue(m.find(), out);
        double bits = Double.parseDouble(m.group(1));
        assertTrue(bits < 5.5, "40 updates learn something below log2(vocabulary) = 6.1: " + bits);
        String sample = out.substring(m.end()).strip();
        assertTrue(sample.codePointCount(0, sample.length()) >= 150, "a sample of 200 characters: " + sample);
    }

    @Test
    void nextValueBeatsTheLastValueStepByStep() throws Exception {
        String out = captured(() -> NextValue.main(new String[] {"300"}));
        Matcher m = Pattern.compile("mse (\\d+\\.\\d+), last-value baseline (\\d+\\.\\d+)").matcher(out);
        assertTrue(m.find(), out);
        double model = Double.parseDouble(m.group(1));
        double naive = Double.parseDouble(m.group(2));
        assertTrue(model < 0.8 * naive, "the model predicts better than repeating the last value: " + out);
    }

    @Test
    void sequenceClassifierScoresUnseenSequences() throws Exception {
        String out = captured(() -> SequenceClassifier.main(new String[] {"300"}));
        Matcher m = Pattern.compile("accuracy (\\d+\\.\\d+) on 200 unseen sequences").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) >= 0.9, "the first event is remembered over up to 20 steps: " + out);
    }

    @Test
    void theReadmesFirstJavaBlockIsTheCharacterExampleAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "the README has a Java block");
        String code = block.group(1);
        String example = Files.readString(Path.of("src/main/java/dev/unfold/examples/CharacterModel.java"))
                .replaceFirst("package dev\\.unfold\\.examples;\\n\\n", "");
        assertEquals(example, code, "the README shows CharacterModel.java as it is, without its package line");
        assertTrue(code.lines().count() <= 40, "at most 40 lines: " + code.lines().count());

        Path source = tmp.resolve("CharacterModel.java");
        Files.writeString(source, code);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", tmp.toString(), "-cp", System.getProperty("java.class.path"), source.toString());
        assertEquals(0, status, "the README's block compiles against the library");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("CharacterModel").getMethod("main", String[].class);
            String out = captured(() -> main.invoke(null, (Object) new String[] {"5"}));
            assertTrue(out.contains("validation:"), out);
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    private static String captured(Body body) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

}
