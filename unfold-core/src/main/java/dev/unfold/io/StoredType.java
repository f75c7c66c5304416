package dev.unfold.io;

import dev.unfold.tensor.DType;
import java.nio.ByteBuffer;

/** The element types a safetensors file may store, and how each loads. */
enum StoredType {
    F64(8, DType.F64), F32(4, DType.F32), F16(2, DType.F32), BF16(2, DType.F32),
    I64(8, DType.F64), I32(4, DType.F64), I16(2, DType.F64), I8(1, DType.F64), U8(1, DType.F64);

    private final int bytes;
    private final DType loadsAs;

    StoredType(int bytes, DType loadsAs) {
        this.bytes = bytes;
        this.loadsAs = loadsAs;
    }

    int bytes() {
        return bytes;
    }

    DType loadsAs() {
        return loadsAs;
    }

    static StoredType parse(String name, String tensor) throws SafeTensorsException {
        for (StoredType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new SafeTensorsException("tensor '" + SafeText.clip(tensor) + "': unknown or unsupported dtype '" + SafeText.clip(name) + "'");
    }

    /** The element at byte {@code at} of a little-endian buffer. */
    double read(ByteBuffer b, int at) {
        return switch (this) {
            case F64 -> b.getDouble(at);
            case F32 -> b.getFloat(at);
            case F16 -> Float.intBitsToFloat(halfToFloatBits(b.getShort(at)));
            case BF16 -> Float.intBitsToFloat((b.getShort(at) & 0xffff) << 16);
            case I64 -> b.getLong(at);
            case I32 -> b.getInt(at);
            case I16 -> b.getShort(at);
            case I8 -> b.get(at);
            case U8 -> b.get(at) & 0xff;
        };
    }

    private static int halfToFloatBits(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return sign | 0x7f800000 | (mant << 13);
        }
        if (exp == 0) {
            if (mant == 0) {
                return sign;
            }
            float v = mant * 0x1p-24f;
            return sign | Float.floatToIntBits(v);
        }
        return sign | ((exp + 112) << 23) | (mant << 13);
    }
}
