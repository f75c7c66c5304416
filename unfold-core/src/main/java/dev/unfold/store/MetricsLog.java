package dev.unfold.store;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.unfold.io.AtomicFiles;
import dev.unfold.io.InputFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/** {@code metrics.jsonl}: one JSON object per line, appended and flushed as training goes. */
public final class MetricsLog implements AutoCloseable {
    public static final String FILE = "metrics.jsonl";
    private final BufferedWriter out;

    private MetricsLog(BufferedWriter out) {
        this.out = out;
    }

    /** Opens the log of {@code dir}; when resuming, first drops the lines after the checkpoint's step. */
    public static MetricsLog open(Path dir, long keepUpToStep, boolean resume) throws IOException {
        Path file = dir.resolve(FILE);
        if (resume && Files.exists(file)) {
            List<String> kept = lines(file).stream()
                    .filter(l -> !l.isBlank() && stepOf(l) <= keepUpToStep).toList();
            AtomicFiles.write(file, (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
        } else {
            AtomicFiles.write(file, new byte[0]);
        }
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    public void write(Map<String, ?> fields) {
        JsonObject o = new JsonObject();
        fields.forEach((k, v) -> {
            if (v instanceof Number n) {
                o.addProperty(k, n);
            } else {
                o.addProperty(k, String.valueOf(v));
            }
        });
        try {
            out.write(o.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + FILE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The lines of a metrics file, which must be a regular file of strict UTF-8. */
    static List<String> lines(Path file) throws IOException {
        byte[] bytes = InputFiles.read(file, "metrics", InputFiles.MAX_METRICS_BYTES, 6);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString().lines().toList();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + " is not valid UTF-8");
        }
    }

    private static long stepOf(String line) {
        try {
            return JsonParser.parseString(line).getAsJsonObject().get("step").getAsLong();
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
