package dev.unfold.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Text for character models: strict UTF-8 files, and the corpus embedded in the library. */
public final class TextCorpus {
    /** Name under which the embedded corpus is reported. */
    public static final String DEFAULT_NAME = "kjv-genesis-ruth (embedded)";
    private static final String DEFAULT_RESOURCE = "kjv-genesis-ruth.txt.gz";

    private TextCorpus() {
    }

    /** The embedded King James text of Genesis to Ruth (public domain). */
    public static String embedded() {
        try (InputStream in = TextCorpus.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded corpus is missing from the jar");
            }
            return decode(new GZIPInputStream(in).readAllBytes(), DEFAULT_NAME);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded corpus cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The text of {@code file}, which must be a regular file of non-empty UTF-8, of at most
     * {@link InputFiles#MAX_TEXT_BYTES}: a text takes about twelve times its size in memory as characters
     * and their indices, which must be free.
     */
    public static String read(Path file) throws IOException {
        return decode(InputFiles.read(file, "text", InputFiles.MAX_TEXT_BYTES, 12), file.toString());
    }

    static String decode(byte[] bytes, String name) throws IOException {
        if (bytes.length == 0) {
            throw new IOException(name + " is empty");
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            throw new IOException(name + " is not valid UTF-8 (bad byte at offset " + in.position() + ")");
        }
        d.flush(out);
        out.flip();
        String text = out.toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isEmpty()) {
            throw new IOException(name + " is empty");
        }
        return text;
    }
}
