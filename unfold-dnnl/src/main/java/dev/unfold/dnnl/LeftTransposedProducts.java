package dev.unfold.dnnl;

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
 * Products {@code C = Aᵀ B (+ C)} with {@code Aᵀ} at least twice as tall as {@code B} is wide, over many rows: a
 * weight gradient summed over a window's steps ({@code Gᵀ X}, 4H gate gradients against H inputs). oneDNN's matmul
 * primitive, reading {@code A} transposed in place, runs them faster than its {@code sgemm(T, N)} on AVX-512 cores:
 * 1024 × 256 over 1,024 rows at about 105 GFLOP/s on one thread against 75-83, 2048 × 512 over 512 rows 97-106
 * against 85-88; the same at 64 rows and fewer, and slower where the output is wide. On cores with AVX2 and no
 * AVX-512 the primitive still wins up to 256 columns (1024 × 256 over 1,024 rows 58-61 GFLOP/s against 38), but
 * {@code sgemm(T, N)} wins from 512 (2048 × 512 over 512 to 2,048 rows 81-85 against 60-77), so those stay there
 * (docs/PERFORMANCE.md).
 *
 * <p>Primitives are made per calling thread and shape and kept (at most {@link #KEPT} per thread).
 */
final class LeftTransposedProducts {
    /** The fewest rows summed over (k) for the primitive. */
    static final int MIN_DEPTH = 256;
    /** On cores without AVX-512, the narrowest output (n) that stays on {@code sgemm(T, N)}. */
    static final int AVX2_SGEMM_FROM_COLUMNS = 512;
    private static final int KEPT = 32;
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private final ThreadLocal<ThreadPrimitives<Shape, Product>> mine = ThreadLocal.withInitial(() -> new ThreadPrimitives<>(ENGINE, KEPT, Product::new));

    /**
     * Whether {@code op(A) op(B)} (m × n over k, leading dimensions as stored) goes to the primitive, on cores with
     * AVX-512 or without: in bfloat16 every such product of more than one row does.
     */
    static boolean applies(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc, boolean bf16, boolean avx512) {
        if (!(transA && !transB && lda == m && ldb == n && ldc == n)) {
            return false;
        }
        return bf16 ? m > 1 : m >= 2 * n && k >= MIN_DEPTH && (avx512 || n < AVX2_SGEMM_FROM_COLUMNS);
    }

    /** {@code c = aᵀ b (+ c)}: a stored (k × m), b (k × n), c (m × n); with {@code bf16} both rounded to bfloat16 first. */
    void run(int m, int n, int k, FloatBuffer a, FloatBuffer b, FloatBuffer c, boolean accumulate, boolean bf16) {
        ThreadPrimitives<Shape, Product> products = mine.get();
        products.of(new Shape(m, n, k, accumulate, bf16)).execute(products.stream, a, b, c);
    }

    record Shape(int m, int n, int k, boolean accumulate, boolean bf16) {
    }

    /**
     * The primitive of one shape, its operands' memory objects pointed at the caller's buffers per call; in bfloat16
     * both operands are first reordered into buffers of the primitive's own.
     */
    private static final class Product {
        final matmul primitive;
        final memory src;
        final memory weights;
        final memory dst;
        final memory roundedSrc;
        final memory roundedWeights;
        final reorder toRoundedSrc;
        final reorder toRoundedWeights;
        final IntMemoryMap args = new IntMemoryMap();
        private FloatBuffer lastA;
        private FloatBuffer lastB;
        private FloatBuffer lastC;

        Product(Shape s) {
            memory.desc srcDesc = desc(memory.format_tag.ba, s.m(), s.k(), memory.data_type.f32);
            memory.desc weightsDesc = desc(memory.format_tag.ab, s.k(), s.n(), memory.data_type.f32);
            memory.desc dstDesc = desc(memory.format_tag.ab, s.m(), s.n(), memory.data_type.f32);
            memory.desc computedSrc = s.bf16() ? desc(memory.format_tag.ba, s.m(), s.k(), memory.data_type.bf16) : srcDesc;
            memory.desc computedWeights = s.bf16() ? desc(memory.format_tag.ab, s.k(), s.n(), memory.data_type.bf16) : weightsDesc;
            primitive_attr attr = new primitive_attr();
            if (s.accumulate()) {
                post_ops ops = new post_ops();
                ops.append_sum();
                attr.set_post_ops(ops);
            }
            primitive = new matmul(new matmul.primitive_desc(ENGINE, computedSrc, computedWeights, dstDesc, attr, false));
            src = new memory(srcDesc, ENGINE, (FloatPointer) null);
            weights = new memory(weightsDesc, ENGINE, (FloatPointer) null);
            dst = new memory(dstDesc, ENGINE, (FloatPointer) null);
            roundedSrc = s.bf16() ? new memory(computedSrc, ENGINE) : null;
            roundedWeights = s.bf16() ? new memory(computedWeights, ENGINE) : null;
            toRoundedSrc = s.bf16() ? new reorder(src, roundedSrc) : null;
            toRoundedWeights = s.bf16() ? new reorder(weights, roundedWeights) : null;
            args.put(dnnl.DNNL_ARG_SRC, s.bf16() ? roundedSrc : src);
            args.put(dnnl.DNNL_ARG_WEIGHTS, s.bf16() ? roundedWeights : weights);
            args.put(dnnl.DNNL_ARG_DST, dst);
        }

        void execute(stream stream, FloatBuffer a, FloatBuffer b, FloatBuffer c) {
            if (a != lastA) {
                src.set_data_handle(new FloatPointer(a));
                lastA = a;
            }
            if (b != lastB) {
                weights.set_data_handle(new FloatPointer(b));
                lastB = b;
            }
            if (c != lastC) {
                dst.set_data_handle(new FloatPointer(c));
                lastC = c;
            }
            if (toRoundedSrc != null) {
                toRoundedSrc.execute(stream, src, roundedSrc);
                toRoundedWeights.execute(stream, weights, roundedWeights);
            }
            primitive.execute(stream, args);
            stream._wait();
        }

        private static memory.desc desc(memory.format_tag tag, long rows, long cols, memory.data_type type) {
            return new memory.desc(new LongPointer(rows, cols), type, tag);
        }
    }
}
