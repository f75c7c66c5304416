package dev.unfold.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The common frame of native CBLAS backends: operands are copied into per-thread direct buffers (JNI's
 * array path would copy every operand in and back out), an immutable right operand (a parameter read by
 * all T steps) is copied once per update into its {@link Gemm.OperandCache} and refreshed in place, and a
 * batch-1 product goes to sgemv (sgemm is slow for one row). Subclasses supply the two CBLAS calls,
 * row-major, with {@code trans} true for a transposed operand.
 */
public abstract class DirectBufferGemm implements GemmBackend {
    private static final float[] A = {1, 2, 3, 4};
    private static final float[] B = {5, 6, 7, 8};
    private static final float[] AB = {19, 22, 43, 50};
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** {@code c = op(a) op(b) + beta c}, row-major. */
    protected abstract void cblasSgemm(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb,
            float beta, FloatBuffer c, int ldc);

    /** {@code y = op(A) x + beta y} for A stored (rows × cols), row-major. */
    protected abstract void cblasSgemv(boolean trans, int rows, int cols, FloatBuffer matrix, int ld, FloatBuffer x, float beta, FloatBuffer y);

    /** Loads the native library; a failure makes the backend unavailable with that message. */
    protected abstract void load();

    /**
     * Makes the next product on the calling thread run on {@code threads} threads (the library's own choice
     * for 0). Called before every product with the caller's {@link Gemm#callerThreads()}; cheap when nothing changes.
     */
    protected abstract void applyThreads(int threads);

    @Override
    public Availability availability() {
        try {
            load();
        } catch (LinkageError | RuntimeException e) {
            return Availability.no("native library did not load: " + e.getMessage());
        }
        float[] c = new float[4];
        sgemm(Gemm.Op.N, Gemm.Op.N, 2, 2, 2, A, B, c, false);
        if (!java.util.Arrays.equals(c, AB)) {
            return Availability.no("a 2x2 test product came out wrong: " + java.util.Arrays.toString(c));
        }
        return Availability.yes();
    }

    @Override
    public void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        Scratch s = scratch.get();
        FloatBuffer db = s.b(k * n);
        db.put(b, 0, k * n).rewind();
        run(s, opA, opB, m, n, k, s.stagedA(a, m * k), db, c, accumulate);
    }

    /**
     * The cached copy is refreshed in place when a new array comes: no allocation per parameter update. One row
     * goes to the {@link OneRowProduct} kernel when there is one, reading {@code b}'s rows as stored or as transposed.
     */
    @Override
    public void sgemmImmutableB(Gemm.OperandCache cache, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean accumulate) {
        java.util.Optional<OneRowProduct> oneRow = OneRowProducts.inUse();
        if (m == 1 && oneRow.isPresent()) {
            oneRow.get().times(a, opB == Gemm.Op.N ? b : transposedRows(cache, b, n, k), c, n, k, accumulate);
            return;
        }
        ImmutableOperand operand = held(cache, b, k * n);
        Scratch s = scratch.get();
        FloatBuffer dc = s.stagedC(c, m * n, accumulate);
        immutableProduct(operand, opA, opB, m, n, k, s.stagedA(a, m * k), dc, accumulate);
        dc.get(c, 0, m * n).rewind();
    }

    /** The blocks go straight into the direct buffers and out of them. */
    @Override
    public void sgemmImmutableB(Gemm.OperandCache cache, Gemm.Op opB, int m, int n, int k, RowBlocks a, float[] b, RowBlocks c) {
        ImmutableOperand operand = held(cache, b, k * n);
        Scratch s = scratch.get();
        FloatBuffer dc = s.c(m * n);
        immutableProduct(operand, Gemm.Op.N, opB, m, n, k, a.gather(s.a(m * k)), dc, false);
        c.scatter(dc);
    }

    @Override
    public void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, RowBlocks a, RowBlocks b, float[] c, boolean accumulate) {
        Scratch s = scratch.get();
        run(s, opA, opB, m, n, k, a.gather(s.a(m * k)), b.gather(s.b(k * n)), c, accumulate);
    }

    /** {@code b} (stored n × k) as k × n rows, kept in {@code cache}'s operand until another array takes its place. */
    private static float[] transposedRows(Gemm.OperandCache cache, float[] b, int n, int k) {
        ImmutableOperand operand = held(cache, b, k * n);
        return operand.layout(new TransposedRows.Key(n, k), key -> new TransposedRows((TransposedRows.Key) key)).current(operand, b, n, k);
    }

    private static ImmutableOperand held(Gemm.OperandCache cache, float[] b, int size) {
        synchronized (cache) {
            ImmutableOperand operand = cache.copy() instanceof ImmutableOperand held ? held : new ImmutableOperand();
            if (cache.source() != b) {
                operand.refresh(b, size);
                cache.hold(b, operand);
            }
            return operand;
        }
    }

    private void immutableProduct(ImmutableOperand operand, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, FloatBuffer da, FloatBuffer dc,
            boolean accumulate) {
        applyThreads(Gemm.callerThreads());
        if (!prepackedProduct(operand, opA, opB, m, n, k, da, dc, accumulate)) {
            product(opA, opB, m, n, k, da, operand.plain().duplicate(), dc, accumulate);
        }
    }

    /**
     * A backend's own product of an immutable right operand held in a layout of its making (in
     * {@code operand}'s {@link ImmutableOperand#layout}): {@code c = op(a) op(b) (+ c)}, {@code a} and {@code c}
     * in direct buffers. False leaves the product to {@link #cblasSgemm}. By default there is none.
     */
    protected boolean prepackedProduct(ImmutableOperand operand, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, FloatBuffer a,
            FloatBuffer c, boolean accumulate) {
        return false;
    }

    private void run(Scratch s, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, FloatBuffer da, FloatBuffer db, float[] c, boolean accumulate) {
        FloatBuffer dc = s.stagedC(c, m * n, accumulate);
        applyThreads(Gemm.callerThreads());
        product(opA, opB, m, n, k, da, db, dc, accumulate);
        dc.get(c, 0, m * n).rewind();
    }

    private void product(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, FloatBuffer da, FloatBuffer db, FloatBuffer dc, boolean accumulate) {
        float beta = accumulate ? 1f : 0f;
        if (m == 1) {
            // c (1×n) = a (1×k) op(B): with B stored (k×n) that is Bᵀ a; with B stored (n×k), B a.
            if (opB == Gemm.Op.N) {
                cblasSgemv(true, k, n, db, n, da, beta, dc);
            } else {
                cblasSgemv(false, n, k, db, k, da, beta, dc);
            }
        } else {
            int lda = opA == Gemm.Op.N ? k : m;
            int ldb = opB == Gemm.Op.N ? n : k;
            cblasSgemm(opA == Gemm.Op.T, opB == Gemm.Op.T, m, n, k, da, lda, db, ldb, beta, dc, n);
        }
    }

    /** A direct buffer of {@code size} floats on a 64-byte boundary (see {@link Scratch#allocate}). */
    public static FloatBuffer aligned(int size) {
        return Scratch.allocate(size);
    }

    /**
     * A backend's copies of one immutable operand: as stored, in a direct buffer, and in layouts of the
     * backend's own, each made once and brought up to date when the operand changes ({@link #version}).
     */
    public static final class ImmutableOperand {
        private FloatBuffer plain = Scratch.allocate(1);
        private long version;
        private final java.util.Map<Object, Object> layouts = new java.util.HashMap<>();

        private void refresh(float[] b, int size) {
            if (plain.capacity() < size) {
                plain = Scratch.allocate(size);
            }
            plain.clear();
            plain.put(b, 0, size).rewind();
            version++;
        }

        /** The operand as stored, row-major. */
        public FloatBuffer plain() {
            return plain;
        }

        /** Counts the operand's values: a layout made at another version is stale. */
        public long version() {
            return version;
        }

        /** The layout kept under {@code key}, made by {@code make} the first time. */
        public synchronized <T> T layout(Object key, java.util.function.Function<Object, T> make) {
            @SuppressWarnings("unchecked")
            T held = (T) layouts.computeIfAbsent(key, make);
            return held;
        }
    }

    /** Per-thread direct buffers, grown as needed. */
    private static final class Scratch {
        private FloatBuffer a = allocate(1);
        private FloatBuffer b = allocate(1);
        private FloatBuffer c = allocate(1);

        FloatBuffer a(int size) {
            a = fit(a, size);
            return a;
        }

        FloatBuffer b(int size) {
            b = fit(b, size);
            return b;
        }

        FloatBuffer c(int size) {
            c = fit(c, size);
            return c;
        }

        /** The left operand copied in. */
        FloatBuffer stagedA(float[] values, int size) {
            FloatBuffer d = a(size);
            d.put(values, 0, size).rewind();
            return d;
        }

        /** The output's buffer, holding the output's values when the product adds to them. */
        FloatBuffer stagedC(float[] values, int size, boolean accumulate) {
            FloatBuffer d = c(size);
            if (accumulate) {
                d.put(values, 0, size).rewind();
            }
            return d;
        }

        private static FloatBuffer fit(FloatBuffer f, int size) {
            FloatBuffer r = f.capacity() >= size ? f : allocate(Math.max(size, f.capacity() * 2));
            r.clear();
            return r;
        }

        /** On a 64-byte boundary: a 512-bit load or store across two cache lines costs the native kernels a third of their speed. */
        static FloatBuffer allocate(int size) {
            return ByteBuffer.allocateDirect((4 * size + 63) / 64 * 64 + 63).alignedSlice(64).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }
}
