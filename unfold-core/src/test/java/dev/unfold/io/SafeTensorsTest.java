package dev.unfold.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripKeepsNamesOrderShapesAndValues() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("b", Tensor.wrap(Shape.of(2, 3), new float[] {1, -2, 3.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f}));
        in.put("a", Tensor.wrap(Shape.of(4), new double[] {Math.PI, -1e-300, 0, 1e300}));
        in.put("scalar", Tensor.scalar(DType.F32, 7));
        in.put("empty", Tensor.zeros(DType.F32, Shape.of(0, 5)));
        Path file = tmp.resolve("t.safetensors");
        SafeTensors.write(file, in);
        Map<String, Tensor> out = SafeTensors.read(file);
        assertEquals(in.keySet().stream().toList(), out.keySet().stream().toList());
        for (String k : in.keySet()) {
            assertEquals(in.get(k).shape(), out.get(k).shape(), k);
            assertEquals(in.get(k).dtype(), out.get(k).dtype(), k);
            assertArrayEquals(in.get(k).toDoubleArray(), out.get(k).toDoubleArray(), k);
        }
        assertEquals(0, (Files.size(file) - 8 - in.values().stream().mapToLong(t -> (long) t.size() * t.dtype().bytes()).sum()) % 8,
                "header is padded to 8 bytes");
    }

    @Test
    void readsHalfBfloatAndIntegerTypes() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(2 + 2 + 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3c00).putShort((short) 0x3f80).putLong(-5).putInt(1 << 30);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[12,16]},\"__metadata__\":{\"format\":\"pt\"}}";
        Map<String, Tensor> t = SafeTensors.parse(file(header, data.array()));
        assertEquals(1.0, t.get("h").get(0));
        assertEquals(1.0, t.get("bf").get(0));
        assertEquals(-5.0, t.get("l").get(0));
        assertEquals(1 << 30, t.get("i").get(0));
    }

    static Stream<Arguments> malformed() {
        String ok = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        return Stream.of(
                Arguments.of("short file", new byte[] {1, 2, 3}, "shorter than the 8-byte header length"),
                Arguments.of("header length past the end", withLength(1000, ok, 8), "runs past the end"),
                Arguments.of("absurd header length", withLength(Long.MAX_VALUE, ok, 8), "not plausible"),
                Arguments.of("negative header length", withLength(-3, ok, 8), "not plausible"),
                Arguments.of("invalid JSON", file("{\"x\": [1, 2", new byte[8]), "not valid JSON"),
                Arguments.of("JSON array header", file("[1,2]", new byte[0]), "not a JSON object"),
                Arguments.of("text after JSON", file(ok + " {}", new byte[8]), "not valid JSON"),
                Arguments.of("invalid UTF-8", withRawHeader(new byte[] {'{', (byte) 0xff, '}'}, new byte[0]), "not valid UTF-8"),
                Arguments.of("duplicate name", file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "twice"),
                Arguments.of("unknown dtype", file(ok.replace("F32", "Q7"), new byte[8]), "unknown or unsupported dtype 'Q7'"),
                Arguments.of("missing dtype", file("{\"x\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "missing or non-string dtype"),
                Arguments.of("negative dimension", file(ok.replace("[2]", "[-2]"), new byte[8]), "not a non-negative integer"),
                Arguments.of("fractional offset", file(ok.replace("[0,8]", "[0,7.5]"), new byte[8]), "not a non-negative integer"),
                Arguments.of("offsets reversed", file(ok.replace("[0,8]", "[8,0]"), new byte[8]), "end before they begin"),
                Arguments.of("size does not match shape", file(ok.replace("[0,8]", "[0,4]"), new byte[4]), "needs 8 bytes"),
                Arguments.of("offsets out of range", file(ok, new byte[4]), "outside the 4 data bytes"),
                Arguments.of("overlapping tensors", file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]), "overlap"),
                Arguments.of("gap between tensors", file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]), "belong to no tensor"),
                Arguments.of("trailing bytes", file(ok, new byte[12]), "trailing bytes"),
                Arguments.of("metadata not strings", file("{\"__metadata__\":{\"a\":1}}", new byte[0]), "is not a string"),
                Arguments.of("entry not an object", file("{\"x\":3}", new byte[0]), "not a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedFilesWithAClearMessage(String name, byte[] bytes, String message) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.parse(bytes));
        assertTrue(e.getMessage().contains(message), "message was: " + e.getMessage());
    }

    @Test
    void readNamesTheFile() throws IOException {
        Path bad = tmp.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1});
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> SafeTensors.read(tmp.resolve("none.safetensors")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void failedWriteLeavesThePreviousFileWhole() throws IOException {
        Path file = tmp.resolve("keep.safetensors");
        Map<String, Tensor> first = Map.of("x", Tensor.scalar(DType.F32, 1));
        SafeTensors.write(file, first);
        byte[] before = Files.readAllBytes(file);
        assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[] {1, 2, 3});
            throw new IOException("disk full");
        }));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(1, left.count(), "no temporary file is left behind");
        }
    }

    static byte[] file(String header, byte[] data) {
        return withRawHeader(header.getBytes(StandardCharsets.UTF_8), data);
    }

    private static byte[] withRawHeader(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(header.length).put(header).put(data).array();
    }

    private static byte[] withLength(long length, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(length).put(h).put(new byte[dataBytes]).array();
    }
}
