package dev.unfold.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.unfold.tensor.Shape;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, checked as strictly as the reference implementation checks it:
 * valid UTF-8 and JSON, no duplicate names, known dtypes, whole non-negative shapes and offsets, each
 * tensor's byte count matching its shape, and the data covered exactly, without overlaps, gaps or
 * trailing bytes. Entries come sorted by their data offset.
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    private static final String METADATA = SafeTensors.METADATA;

    /** One tensor's description. */
    record Entry(String name, StoredType type, Shape shape, long begin, long end) {
    }

    /** Parses {@code length} header bytes after the 8-byte length, for {@code dataLength} bytes of data. */
    static SafeTensorsHeader parse(byte[] bytes, int length, long dataLength) throws SafeTensorsException {
        JsonObject header = parseHeader(bytes, length);
        List<Entry> entries = entries(header);
        checkCoverage(entries, dataLength);
        Map<String, String> meta = new LinkedHashMap<>();
        if (header.has(METADATA)) {
            header.getAsJsonObject(METADATA).entrySet().forEach(m -> meta.put(m.getKey(), m.getValue().getAsString()));
        }
        return new SafeTensorsHeader(List.copyOf(entries), meta);
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
                    throw new SafeTensorsException("header names '" + SafeText.clip(name) + "' twice");
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
            throw new SafeTensorsException("header is not valid JSON" + jsonProblem(e));
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
            throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': entry is not a JSON object");
        }
        JsonObject o = value.getAsJsonObject();
        for (String key : o.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': unexpected field '" + SafeText.clip(key) + "'");
            }
        }
        JsonElement dtype = o.get("dtype");
        if (dtype == null || !dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
            throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': missing or non-string dtype");
        }
        StoredType type = StoredType.parse(dtype.getAsString(), name);
        long[] dims = integers(o.get("shape"), name, "shape", -1);
        long[] offsets = integers(o.get("data_offsets"), name, "data_offsets", 2);
        Shape shape = shapeOf(dims, name);
        if (offsets[0] > offsets[1]) {
            throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
        }
        long expected = (long) shape.size() * type.bytes();
        if (offsets[1] - offsets[0] != expected) {
            throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': " + type + shape + " needs " + expected
                    + " bytes, data_offsets give " + (offsets[1] - offsets[0]));
        }
        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }

    private static long[] integers(JsonElement e, String name, String field, int count) throws SafeTensorsException {
        if (e == null || !e.isJsonArray()) {
            throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': missing or non-array " + field);
        }
        JsonArray a = e.getAsJsonArray();
        if (count >= 0 && a.size() != count) {
            throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': " + field + " must have " + count + " entries, has " + a.size());
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': " + field + " holds a non-number " + SafeText.clip(String.valueOf(v)));
            }
            java.math.BigDecimal d = v.getAsBigDecimal();
            if (d.signum() < 0 || d.stripTrailingZeros().scale() > 0 || d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': " + field + " holds " + SafeText.clip(String.valueOf(v)) + ", not a non-negative integer");
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
                throw new SafeTensorsException("tensor '" + SafeText.clip(name) + "': shape is too large");
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
                throw new SafeTensorsException("__metadata__ value of '" + SafeText.clip(e.getKey()) + "' is not a string");
            }
        }
    }

    private static void checkCoverage(List<Entry> entries, long dataLength) throws SafeTensorsException {
        long at = 0;
        for (Entry e : entries) {
            if (e.end() > dataLength) {
                throw new SafeTensorsException("tensor '" + SafeText.clip(e.name()) + "': data_offsets [" + e.begin() + ", " + e.end()
                        + "] lie outside the " + dataLength + " data bytes");
            }
            if (e.begin() < at) {
                throw new SafeTensorsException("tensor '" + SafeText.clip(e.name()) + "': data_offsets [" + e.begin() + ", " + e.end() + "] overlap another tensor");
            }
            if (e.begin() > at) {
                throw new SafeTensorsException("tensor '" + SafeText.clip(e.name()) + "': data bytes " + at + " to " + e.begin() + " belong to no tensor");
            }
            at = e.end();
        }
        if (at != dataLength) {
            throw new SafeTensorsException("data has " + (dataLength - at) + " trailing bytes that belong to no tensor");
        }
    }


    /** Where a JSON parser stopped, without its library's advice and links. */
    private static String jsonProblem(Exception e) {
        String m = e.getMessage();
        if (m == null) {
            return "";
        }
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("line (\\d+) column (\\d+)").matcher(m);
        return at.find() ? " (at line " + at.group(1) + ", column " + at.group(2) + ")" : "";
    }
}
