package dev.unfold.data;

import dev.unfold.io.InputFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A JSON Lines file too large to hold, streamed: one pass checks every line as {@link JsonlSequences#read} does
 * and keeps only where each sequence's line starts, its byte length, its line number and its number of steps;
 * sequences are then read again from disk when a batch needs them.
 */
public final class JsonlIndex {
    /** The largest file streamed: 1 TiB. */
    public static final long MAX_BYTES = 1L << 40;
    /** Memory the index takes per sequence. */
    static final int BYTES_PER_SEQUENCE = 28;
    private final Path file;
    private final JsonlSequences.Lines lines;
    private final long[] offsets;
    private final int[] sizes;
    private final long[] numbers;
    private final int[] lengths;

    private JsonlIndex(Path file, JsonlSequences.Lines lines, long[] offsets, int[] sizes, long[] numbers, int[] lengths) {
        this.file = file;
        this.lines = lines;
        this.offsets = offsets;
        this.sizes = sizes;
        this.numbers = numbers;
        this.lengths = lengths;
    }

    /** The index of {@code file}, every line checked. */
    public static JsonlIndex of(Path file) throws IOException {
        InputFiles.requireRegular(file, "data", MAX_BYTES);
        JsonlSequences.Lines lines = new JsonlSequences.Lines(file);
        LongList offsets = new LongList();
        LongList sizes = new LongList();
        LongList numbers = new LongList();
        LongList lengths = new LongList();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long position = 0;
            long start = 0;
            long number = 0;
            int b;
            boolean more = true;
            while (more) {
                b = in.read();
                more = b >= 0;
                if (more && b != '\n') {
                    line.write(b);
                    position++;
                    continue;
                }
                if (!more && line.size() == 0) {
                    break;
                }
                number++;
                String text = decode(decoder, line.toByteArray(), file, number);
                SequenceExample e = lines.next(text);
                if (e != null) {
                    requireIndexFits(file, offsets.size() + 1);
                    offsets.add(start);
                    sizes.add(line.size());
                    numbers.add(number);
                    lengths.add(e.steps().length());
                }
                position += more ? 1 : 0;
                start = position;
                line.reset();
            }
        }
        if (offsets.size() == 0) {
            throw new IOException(file + ": holds no sequences (one JSON object per line, such as {\"text\": \"bonjour\", \"label\": \"fr\"})");
        }
        int[] size = new int[offsets.size()];
        int[] length = new int[offsets.size()];
        for (int i = 0; i < size.length; i++) {
            size[i] = (int) sizes.get(i);
            length[i] = (int) lengths.get(i);
        }
        return new JsonlIndex(file, lines, offsets.toArray(), size, numbers.toArray(), length);
    }

    private static void requireIndexFits(Path file, long sequences) throws IOException {
        if (sequences % 1_000_000 == 0) {
            InputFiles.requireMemory(file, 1_000_000L * BYTES_PER_SEQUENCE * 2, "to index its sequences");
        }
    }

    private static String decode(CharsetDecoder decoder, byte[] bytes, Path file, long number) throws IOException {
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ":" + number + ": not UTF-8 text");
        }
    }

    public Path file() {
        return file;
    }

    public int size() {
        return offsets.length;
    }

    /** The number of steps of sequence {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    public int[] lengths() {
        return lengths.clone();
    }

    /** The file as a file of no sequences held, with the kind of steps and target, and the widths, its lines have. */
    public SequenceFile header() {
        return lines.file(List.of());
    }

    /** Sequences {@code indices} read again from disk, in that order. */
    public synchronized List<SequenceExample> read(int[] indices) throws IOException {
        List<SequenceExample> out = new ArrayList<>(indices.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i : indices) {
                ByteBuffer bytes = ByteBuffer.allocate(sizes[i]);
                while (bytes.hasRemaining()) {
                    if (channel.read(bytes, offsets[i] + bytes.position()) < 0) {
                        throw new IOException(file + ":" + numbers[i] + ": the file changed since it was indexed (it is shorter)");
                    }
                }
                lines.at(numbers[i]);
                SequenceExample e = lines.next(decode(decoder, bytes.array(), file, numbers[i]));
                if (e == null || e.steps().length() != lengths[i]) {
                    throw new IOException(file + ":" + numbers[i] + ": the file changed since it was indexed");
                }
                out.add(e);
            }
        }
        return out;
    }

    /** Sequences {@code indices}, read from disk a block at a time each time they are iterated. */
    public Iterable<SequenceExample> stream(int[] indices) {
        return () -> new Iterator<>() {
            private int next;
            private List<SequenceExample> block = List.of();
            private int inBlock;

            @Override
            public boolean hasNext() {
                return next < indices.length;
            }

            @Override
            public SequenceExample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (inBlock == block.size()) {
                    int to = Math.min(indices.length, next + 4096);
                    try {
                        block = read(java.util.Arrays.copyOfRange(indices, next, to));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    inBlock = 0;
                }
                next++;
                return block.get(inBlock++);
            }
        };
    }

    /** A growable array of longs. */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
