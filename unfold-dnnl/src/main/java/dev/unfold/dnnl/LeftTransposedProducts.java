package dev.unfold.dnnl;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Products {@code C = Aᵀ B (+ C)} with {@code Aᵀ} at least twice as tall as {@code B} is wide, over many rows: a
 * weight gradient summed over a window's steps ({@code Gᵀ X}, 4H gate gradients against H inputs). oneDNN's matmul
 * primitive, reading {@code A} transposed in place, runs them faster than its {@code sgemm(T, N)}: 1024 × 256 over
 * 1,024 rows at about 105 GFLOP/s on one thread against 75-83, 2048 × 512 over 512 rows 97-106 against 85-88; the
 * same at 64 rows and fewer, and slower where the output is wide (docs/PERFORMANCE.md).
 *
 * <p>Primitives are made per calling thread and shape and kept (at most {@link #KEPT} per thread).
 */
final class LeftTransposedProducts {
    /** The fewest rows summed over (k) for the primitive. */
    static final int MIN_DEPTH = 256;
    private static final int KEPT = 32;
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private final ThreadLocal<Products> mine = ThreadLocal.withInitial(Products::new);

    /** Whether {@code op(A) op(B)} (m × n over k, leading dimensions as stored) goes to the primitive. */
    static boolean applies(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
        return transA && !transB && m >= 2 * n && k >= MIN_DEPTH && lda == m && ldb == n && ldc == n;
    }

    /** {@code c = aᵀ b (+ c)}: a stored (k × m), b (k × n), c (m × n). */
    void run(int m, int n, int k, FloatBuffer a, FloatBuffer b, FloatBuffer c, boolean accumulate) {
        Products products = mine.get();
        products.of(new Shape(m, n, k, accumulate)).execute(products.stream, a, b, c);
    }

    record Shape(int m, int n, int k, boolean accumulate) {
    }

    private static final class Products {
        final stream stream = new stream(ENGINE);
        final Map<Shape, Product> byShape = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Shape, Product> eldest) {
                return size() > KEPT;
            }
        };

        Product of(Shape s) {
            return byShape.computeIfAbsent(s, Product::new);
        }
    }

    /** The primitive of one shape, its operands' memory objects pointed at the caller's buffers per call. */
    private static final class Product {
        final matmul primitive;
        final memory src;
        final memory weights;
        final memory dst;
        final IntMemoryMap args = new IntMemoryMap();
        private FloatBuffer lastA;
        private FloatBuffer lastB;
        private FloatBuffer lastC;

        Product(Shape s) {
            memory.desc srcDesc = desc(memory.format_tag.ba, s.m(), s.k());
            memory.desc weightsDesc = desc(memory.format_tag.ab, s.k(), s.n());
            memory.desc dstDesc = desc(memory.format_tag.ab, s.m(), s.n());
            primitive_attr attr = new primitive_attr();
            if (s.accumulate()) {
                post_ops ops = new post_ops();
                ops.append_sum();
                attr.set_post_ops(ops);
            }
            primitive = new matmul(new matmul.primitive_desc(ENGINE, srcDesc, weightsDesc, dstDesc, attr, false));
            src = new memory(srcDesc, ENGINE, (FloatPointer) null);
            weights = new memory(weightsDesc, ENGINE, (FloatPointer) null);
            dst = new memory(dstDesc, ENGINE, (FloatPointer) null);
            args.put(dnnl.DNNL_ARG_SRC, src);
            args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
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
            primitive.execute(stream, args);
            stream._wait();
        }

        private static memory.desc desc(memory.format_tag tag, long rows, long cols) {
            return new memory.desc(new LongPointer(rows, cols), memory.data_type.f32, tag);
        }
    }
}
