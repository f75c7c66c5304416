package dev.unfold.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets into the data that
 * follows) plus an optional {@code "__metadata__"} string map, then the raw little-endian data.
 *
 * <p>Reading is strict, as the reference implementation is: the data must be covered exactly, without
 * overlaps, gaps or trailing bytes. F32 and F64 load as they are; F16 and BF16 widen to F32; integer
 * types load as F64 (exactly, up to 2^53).
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;
    static final String METADATA = "__metadata__";

    private SafeTensors() {
    }

    /** The tensors of {@code file}, in the order of their data. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readContents(file).tensors();
    }

    /** Tensors and the string metadata of a file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * The tensors and metadata of {@code file}: a regular file of at most {@link InputFiles#MAX_TENSOR_BYTES},
     * read when the memory for its bytes and its tensors (up to twice as large again, for integer data) is free.
     */
    public static Contents readContents(Path file) throws IOException {
        byte[] bytes = InputFiles.read(file, "safetensors", InputFiles.MAX_TENSOR_BYTES, 3);
        try {
            return parseContents(bytes);
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(file + ": " + e.getMessage());
        }
    }

    /** The tensors encoded in {@code bytes}. */
    public static Map<String, Tensor> parse(byte[] bytes) throws SafeTensorsException {
        return parseContents(bytes).tensors();
    }

    /** The tensors and metadata encoded in {@code bytes}. */
    public static Contents parseContents(byte[] bytes) throws SafeTensorsException {
        if (bytes.length < 8) {
            throw new SafeTensorsException("not a safetensors file: " + bytes.length + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER) {
            throw new SafeTensorsException("header length " + headerLength + " is not plausible (2 to " + MAX_HEADER + " bytes)");
        }
        if (headerLength > bytes.length - 8L) {
            throw new SafeTensorsException("header length " + headerLength + " runs past the end of the file (" + bytes.length + " bytes)");
        }
        int dataStart = 8 + (int) headerLength;
        SafeTensorsHeader header = SafeTensorsHeader.parse(bytes, (int) headerLength, bytes.length - dataStart);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry e : header.entries()) {
            out.put(e.name(), decode(e, buf, dataStart));
        }
        return new Contents(out, header.metadata());
    }

    /** Writes {@code tensors} in order to {@code file}, through a temporary file and a rename. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} and string {@code metadata} to {@code file}, through a temporary file and a rename. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(file, encode(tensors, metadata));
    }

    /** The bytes of a safetensors file holding {@code tensors} in order, with optional metadata. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            JsonObject info = new JsonObject();
            info.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (int d : t.shape().dims()) {
                shape.add(d);
            }
            info.add("shape", shape);
            long end = offset + (long) t.size() * t.dtype().bytes();
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            info.add("data_offsets", offsets);
            header.add(e.getKey(), info);
            offset = end;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            for (int i = 0; i < t.size(); i++) {
                if (t.dtype() == DType.F32) {
                    buf.putFloat((float) t.get(i));
                } else {
                    buf.putDouble(t.get(i));
                }
            }
        }
        return buf.array();
    }

    private static Tensor decode(SafeTensorsHeader.Entry e, ByteBuffer buf, int dataStart) {
        int base = dataStart + (int) e.begin();
        int width = e.type().bytes();
        return Tensor.generate(e.type().loadsAs(), e.shape(), i -> e.type().read(buf, base + i * width));
    }
}
