package dev.unfold.dnnl;

import dev.unfold.kernel.DirectBufferGemm;
import dev.unfold.kernel.Gemm;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Products of a parameter read transposed, {@code h · Wᵀ} at a recurrent net's per-step shapes, on oneDNN's
 * matmul primitive with the parameter reordered once per update into the blocked layout the primitive asks
 * for. {@code dnnl_sgemm} repacks a transposed right operand on every call: at 16×256·(1024×256)ᵀ, one
 * thread, it takes about 120 µs where the prepacked matmul takes about 70 (docs/PERFORMANCE.md). Products
 * of an untransposed right operand run as fast on sgemm and stay there, as do one-row products (sgemv is
 * faster, from a {@link TransposedCopy}) and tall ones (as fast, with no copy). With bfloat16 products every
 * product of a parameter of more than one row comes here, read as stored or transposed: the parameter packed in
 * bfloat16, the left operand rounded per call, the sums in float32 (on AMX where the cores have it).
 *
 * <p>Primitives are made per calling thread and {@link Shape} and kept (at most {@link #KEPT} per thread); each
 * parameter's packed copy per shape lives in its {@link DirectBufferGemm.ImmutableOperand}, in the layout of the
 * primitive made for that shape.
 */
final class PrepackedProducts {
    /** The tallest product prepacked; taller ones gain nothing (measured at 1,024 rows). */
    static final int MAX_ROWS = 512;
    /**
     * On cores without AVX-512, the narrowest product of a parameter read as stored ({@code x · W}) that comes here:
     * from 512 columns the primitive on the packed parameter beats sgemm by a quarter (32 × 512 over 2,048: 984 µs
     * against 1,280 on one thread), below it sgemm is as fast or faster (16 × 256 over 1,024: 106 µs against 129).
     */
    static final int AVX2_STORED_FROM_COLUMNS = 512;
    private static final int KEPT = 64;
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private final ThreadLocal<ThreadPrimitives<Shape, Product>> mine = ThreadLocal.withInitial(() -> new ThreadPrimitives<>(ENGINE, KEPT, Product::new));

    /** Whether a float32 product {@code x · W} of {@code m} rows and {@code n} columns, W read as stored, comes here. */
    static boolean takesStored(int m, int n, boolean avx512) {
        return m > 1 && m <= MAX_ROWS && !avx512 && n >= AVX2_STORED_FROM_COLUMNS;
    }

    /** {@code c = op(a) bᵀ (+ c)} with {@code b} stored (n × k), in float32. */
    void run(DirectBufferGemm.ImmutableOperand operand, Gemm.Op opA, int m, int n, int k, FloatBuffer a, FloatBuffer c, boolean accumulate) {
        run(operand, opA, Gemm.Op.T, m, n, k, a, c, accumulate, false);
    }

    /**
     * {@code c = op(a) op(b) (+ c)}, with {@code bf16} on operands rounded to bfloat16 (the parameter once per update,
     * {@code a} per call) and accumulated in float32, which oneDNN runs on AMX where the cores have it.
     */
    void run(DirectBufferGemm.ImmutableOperand operand, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, FloatBuffer a, FloatBuffer c,
            boolean accumulate, boolean bf16) {
        ThreadPrimitives<Shape, Product> products = mine.get();
        Shape shape = new Shape(opA, opB, m, n, k, accumulate, Gemm.callerThreads(), bf16);
        Product p = products.of(shape);
        memory weights = operand.layout(shape, key -> new Packed(p.weightsDesc)).current(operand, p, products.stream);
        p.execute(products.stream, a, weights, c);
    }

    /**
     * What a primitive is made for: the product's shape, its precision, and the calling thread's threads per product
     * (oneDNN may choose another kernel, and so another weights layout, for another count; a packed copy is kept per
     * shape).
     */
    record Shape(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, boolean accumulate, int threads, boolean bf16) {
    }

    /**
     * The primitive of one shape, its operands' memory objects pointed at the caller's buffers per call; in bfloat16,
     * the left operand is first reordered into a buffer of the primitive's own.
     */
    private static final class Product {
        final memory.desc weightsDesc;
        final memory.desc plainWeights;
        final matmul primitive;
        final memory src;
        final memory dst;
        final memory rounded;
        final reorder toRounded;
        final IntMemoryMap args = new IntMemoryMap();
        private FloatBuffer lastA;
        private FloatBuffer lastC;

        Product(Shape s) {
            memory.format_tag srcTag = s.opA() == Gemm.Op.N ? memory.format_tag.ab : memory.format_tag.ba;
            memory.desc srcDesc = desc(srcTag, s.m(), s.k(), memory.data_type.f32);
            memory.desc dstDesc = desc(memory.format_tag.ab, s.m(), s.n(), memory.data_type.f32);
            plainWeights = desc(s.opB() == Gemm.Op.T ? memory.format_tag.ba : memory.format_tag.ab, s.k(), s.n(), memory.data_type.f32);
            memory.data_type operands = s.bf16() ? memory.data_type.bf16 : memory.data_type.f32;
            memory.desc computedSrc = s.bf16() ? desc(srcTag, s.m(), s.k(), operands) : srcDesc;
            primitive_attr attr = new primitive_attr();
            if (s.accumulate()) {
                post_ops ops = new post_ops();
                ops.append_sum();
                attr.set_post_ops(ops);
            }
            matmul.primitive_desc pd = new matmul.primitive_desc(ENGINE, computedSrc, desc(memory.format_tag.any, s.k(), s.n(), operands), dstDesc, attr, false);
            weightsDesc = pd.weights_desc();
            primitive = new matmul(pd);
            src = new memory(srcDesc, ENGINE, (FloatPointer) null);
            dst = new memory(dstDesc, ENGINE, (FloatPointer) null);
            rounded = s.bf16() ? new memory(computedSrc, ENGINE) : null;
            toRounded = s.bf16() ? new reorder(src, rounded) : null;
            args.put(dnnl.DNNL_ARG_SRC, s.bf16() ? rounded : src);
            args.put(dnnl.DNNL_ARG_DST, dst);
        }

        void execute(stream stream, FloatBuffer a, memory weights, FloatBuffer c) {
            if (a != lastA) {
                src.set_data_handle(new FloatPointer(a));
                lastA = a;
            }
            if (c != lastC) {
                dst.set_data_handle(new FloatPointer(c));
                lastC = c;
            }
            if (toRounded != null) {
                toRounded.execute(stream, src, rounded);
            }
            args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
            primitive.execute(stream, args);
            stream._wait();
        }

        private static memory.desc desc(memory.format_tag tag, long rows, long cols, memory.data_type type) {
            return new memory.desc(new LongPointer(rows, cols), type, tag);
        }
    }

    /**
     * A parameter in one primitive's blocked layout, reordered again when the parameter's values change; the
     * reorder primitive is made once (making one costs more than running it on a small parameter).
     */
    private static final class Packed {
        final memory packed;
        private memory plain;
        private reorder toPacked;
        private FloatBuffer source;
        private long version = -1;

        Packed(memory.desc layout) {
            packed = new memory(layout, ENGINE);
        }

        synchronized memory current(DirectBufferGemm.ImmutableOperand operand, Product p, stream stream) {
            if (version != operand.version()) {
                if (toPacked == null) {
                    plain = new memory(p.plainWeights, ENGINE, new FloatPointer(operand.plain()));
                    toPacked = new reorder(plain, packed);
                } else if (source != operand.plain()) {
                    plain.set_data_handle(new FloatPointer(operand.plain()));
                }
                source = operand.plain();
                toPacked.execute(stream, plain, packed);
                stream._wait();
                version = operand.version();
            }
            return packed;
        }
    }
}
