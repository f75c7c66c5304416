package dev.unfold.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final String METADATA = "__metadata__";

    private SafeTensors() {
    }

    /** The tensors of {@code file}, in the order of their data. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            return parse(bytes);
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(file + ": " + e.getMessage());
        }
    }

    /** Tensors and the string metadata of a file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** The tensors and metadata of {@code file}. */
    public static Contents readContents(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file");
        }
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
        JsonObject header = parseHeader(bytes, (int) headerLength);
        List<Entry> entries = entries(header);
        checkCoverage(entries, bytes.length - dataStart);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            out.put(e.name, decode(e, buf, dataStart));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (header.has(METADATA)) {
            header.getAsJsonObject(METADATA).entrySet().forEach(m -> meta.put(m.getKey(), m.getValue().getAsString()));
        }
        return new Contents(out, meta);
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

    private record Entry(String name, StoredType type, Shape shape, long begin, long end) {
    }

    private static JsonObject parseHeader(byte[] bytes, int length) throws SafeTensorsException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, length)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException("header is not valid UTF-8");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new SafeTensorsException("header is not a JSON object");
            }
            JsonObject header = new JsonObject();
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (header.has(name)) {
                    throw new SafeTensorsException("header names '" + name + "' twice");
                }
                header.add(name, JsonParser.parseReader(reader));
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new SafeTensorsException("header has text after its JSON object");
            }
            return header;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            if (e instanceof SafeTensorsException s) {
                throw s;
            }
            throw new SafeTensorsException("header is not valid JSON: " + e.getMessage());
        }
    }

    private static List<Entry> entries(JsonObject header) throws SafeTensorsException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                checkMetadata(e.getValue());
                continue;
            }
            entries.add(entry(e.getKey(), e.getValue()));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        return entries;
    }

    private static Entry entry(String name, JsonElement value) throws SafeTensorsException {
        if (!value.isJsonObject()) {
            throw new SafeTensorsException("tensor '" + name + "': entry is not a JSON object");
        }
        JsonObject o = value.getAsJsonObject();
        for (String key : o.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafeTensorsException("tensor '" + name + "': unexpected field '" + key + "'");
            }
        }
        JsonElement dtype = o.get("dtype");
        if (dtype == null || !dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
            throw new SafeTensorsException("tensor '" + name + "': missing or non-string dtype");
        }
        StoredType type = StoredType.parse(dtype.getAsString(), name);
        long[] dims = integers(o.get("shape"), name, "shape", -1);
        long[] offsets = integers(o.get("data_offsets"), name, "data_offsets", 2);
        Shape shape = shapeOf(dims, name);
        if (offsets[0] > offsets[1]) {
            throw new SafeTensorsException("tensor '" + name + "': data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
        }
        long expected = (long) shape.size() * type.bytes();
        if (offsets[1] - offsets[0] != expected) {
            throw new SafeTensorsException("tensor '" + name + "': " + type + shape + " needs " + expected
                    + " bytes, data_offsets give " + (offsets[1] - offsets[0]));
        }
        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }

    private static long[] integers(JsonElement e, String name, String field, int count) throws SafeTensorsException {
        if (e == null || !e.isJsonArray()) {
            throw new SafeTensorsException("tensor '" + name + "': missing or non-array " + field);
        }
        JsonArray a = e.getAsJsonArray();
        if (count >= 0 && a.size() != count) {
            throw new SafeTensorsException("tensor '" + name + "': " + field + " must have " + count + " entries, has " + a.size());
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new SafeTensorsException("tensor '" + name + "': " + field + " holds a non-number " + v);
            }
            java.math.BigDecimal d = v.getAsBigDecimal();
            if (d.signum() < 0 || d.stripTrailingZeros().scale() > 0 || d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new SafeTensorsException("tensor '" + name + "': " + field + " holds " + v + ", not a non-negative integer");
            }
            out[i] = d.longValueExact();
        }
        return out;
    }

    private static Shape shapeOf(long[] dims, String name) throws SafeTensorsException {
        int[] d = new int[dims.length];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            n *= Math.max(dims[i], 1);
            if (dims[i] > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
                throw new SafeTensorsException("tensor '" + name + "': shape is too large");
            }
            d[i] = (int) dims[i];
        }
        return Shape.of(d);
    }

    private static void checkMetadata(JsonElement meta) throws SafeTensorsException {
        if (!meta.isJsonObject()) {
            throw new SafeTensorsException("__metadata__ is not a JSON object");
        }
        for (Map.Entry<String, JsonElement> e : meta.getAsJsonObject().entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw new SafeTensorsException("__metadata__ value of '" + e.getKey() + "' is not a string");
            }
        }
    }

    private static void checkCoverage(List<Entry> entries, long dataLength) throws SafeTensorsException {
        long at = 0;
        for (Entry e : entries) {
            if (e.end > dataLength) {
                throw new SafeTensorsException("tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end
                        + "] lie outside the " + dataLength + " data bytes");
            }
            if (e.begin < at) {
                throw new SafeTensorsException("tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] overlap another tensor");
            }
            if (e.begin > at) {
                throw new SafeTensorsException("tensor '" + e.name + "': data bytes " + at + " to " + e.begin + " belong to no tensor");
            }
            at = e.end;
        }
        if (at != dataLength) {
            throw new SafeTensorsException("data has " + (dataLength - at) + " trailing bytes that belong to no tensor");
        }
    }

    private static Tensor decode(Entry e, ByteBuffer buf, int dataStart) {
        int base = dataStart + (int) e.begin;
        int width = e.type.bytes();
        return Tensor.generate(e.type.loadsAs(), e.shape, i -> e.type.read(buf, base + i * width));
    }
}
