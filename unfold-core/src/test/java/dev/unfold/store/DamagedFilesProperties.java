package dev.unfold.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.io.SafeTensors;
import dev.unfold.io.SafeTensorsException;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random damage to valid files: the safetensors reader and the checkpoint loader answer with their format's
 * own error and nothing else, allocate no more than a small multiple of the file, and take well under a second.
 */
class DamagedFilesProperties {
    /** Bytes a read may allocate per byte of file, beyond a fixed allowance. */
    static final long ALLOCATION_PER_BYTE = 64;
    static final long ALLOCATION_ALLOWANCE = 4L << 20;
    static final long MAX_NANOS = 1_000_000_000L;

    private static Path dir;
    private static byte[] valid;

    @BeforeContainer
    static void aValidCheckpoint() throws IOException {
        dir = Files.createTempDirectory("unfold-fuzz");
        String text = "the quick brown fox jumps over the lazy dog\n".repeat(10);
        Vocabulary v = Vocabulary.of(text);
        SequenceModel model = SequenceModel.builder().tokens(v.size()).embedding(3).cell(CellType.GRU).hidden(4).classes(v.size()).build();
        TrainedModel.of(model, Weights.initial(model.parameters(), InitScheme.PYTORCH, 1, DType.F32), Optional.of(v)).save(dir);
        valid = Files.readAllBytes(dir.resolve(Checkpointing.FILE));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** The kinds of damage: bytes flipped, the file cut, bytes inserted, the header length rewritten, header text replaced. */
    static byte[] damage(byte[] bytes, int kind, long seed) {
        Random r = new Random(seed);
        byte[] b = bytes.clone();
        int headerEnd = (int) Math.min(b.length, 8 + java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0));
        switch (kind) {
            case 0 -> {
                for (int i = 0; i < 1 + r.nextInt(8); i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> {
                int at = r.nextInt(b.length);
                byte[] extra = new byte[1 + r.nextInt(16)];
                r.nextBytes(extra);
                byte[] c = new byte[b.length + extra.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(extra, 0, c, at, extra.length);
                System.arraycopy(b, at, c, at + extra.length, b.length - at);
                b = c;
            }
            case 3 -> java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, r.nextLong() >> r.nextInt(64));
            default -> {
                String[] tokens = {"\"", "{", "}", "[", "]", ",", ":", "-1", "1e300", "null", "\"F64\"", "\"I64\"", "99999999999", "\\u0000", " "};
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    byte[] t = tokens[r.nextInt(tokens.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    int at = 8 + r.nextInt(Math.max(1, headerEnd - 8 - t.length));
                    System.arraycopy(t, 0, b, Math.min(at, b.length - t.length), t.length);
                }
            }
        }
        return b;
    }

    @Property(tries = 400, seed = "20261201")
    void theReaderAnswersDamageWithItsOwnError(@ForAll @IntRange(min = 0, max = 4) int kind, @ForAll long seed) {
        byte[] b = damage(valid, kind, seed);
        Bounded.run(b.length, () -> {
            try {
                SafeTensors.parseContents(b);
            } catch (SafeTensorsException expected) {
                // the format's own error
            }
        });
    }

    @Property(tries = 300, seed = "20261201")
    void theCheckpointLoaderAnswersDamageWithAnIoException(@ForAll @IntRange(min = 0, max = 4) int kind, @ForAll long seed) throws IOException {
        byte[] b = damage(valid, kind, seed);
        Files.write(dir.resolve(Checkpointing.FILE), b);
        Bounded.run(b.length, () -> {
            try {
                TrainedModel.load(dir);
            } catch (IOException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().contains("\n"), "one line: " + expected.getMessage());
            }
        });
    }

    /** Runs a read, failing on any other exception, on allocating too much, or on taking too long. */
    static final class Bounded {
        @FunctionalInterface
        interface Body {
            void run() throws IOException;
        }

        static void run(int fileBytes, Body body) {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            long allocated = threads.getThreadAllocatedBytes(id);
            long start = System.nanoTime();
            try {
                body.run();
            } catch (IOException e) {
                throw new AssertionError("an IOException escaped: " + e.getMessage(), e);
            }
            long took = System.nanoTime() - start;
            long used = threads.getThreadAllocatedBytes(id) - allocated;
            assertTrue(used <= ALLOCATION_PER_BYTE * fileBytes + ALLOCATION_ALLOWANCE, "allocated " + used + " bytes for a file of " + fileBytes);
            assertTrue(took < MAX_NANOS, "took " + took / 1e6 + " ms");
        }
    }
}
