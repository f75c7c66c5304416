package dev.unfold.dnnl;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import dev.unfold.kernel.DirectBufferGemm;
import dev.unfold.kernel.Gemm;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;

/**
 * {@code dnnl_sgemm} from oneDNN on direct buffers (see {@link DirectBufferGemm}). oneDNN compiles its
 * kernels for the CPU it runs on (AVX-512 where there is AVX-512), and at the small row counts of a
 * recurrent net's per-step products it runs 2-4x faster than OpenBLAS on the project's machine
 * (docs/PERFORMANCE.md), so it is preferred when present. A vector-matrix product is a one-row sgemm:
 * oneDNN's is as fast as OpenBLAS's sgemv.
 */
public final class DnnlGemm extends DirectBufferGemm {
    private final OpenMpThreads threads = new OpenMpThreads();
    private volatile PrepackedProducts prepacked;
    private final LeftTransposedProducts leftTransposed = new LeftTransposedProducts();
    /** oneDNN's ISA here, once asked (0 before: a benign race, every thread reads the same answer). */
    private int effectiveIsa;

    @Override
    public String name() {
        dnnl_version_t v = dnnl.dnnl_version();
        int perProduct = threads.perProduct();
        return "onednn " + v.major() + "." + v.minor() + "." + v.patch() + ", kernels compiled for " + isaName(effectiveIsa()) + " ("
                + (perProduct > 0 ? perProduct + (perProduct == 1 ? " thread" : " threads") : "OpenMP's threads") + " per product)";
    }

    @Override
    public int preference() {
        return 3;
    }

    @Override
    protected void applyThreads(int count) {
        threads.applyToCaller(count);
    }

    @Override
    protected void load() {
        Loader.load(dnnl.class);
        threads.bind(Loader.getLoadedLibraries().get("gomp@.1"));
    }

    @Override
    protected void cblasSgemm(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta,
            FloatBuffer c, int ldc) {
        boolean bf16 = Gemm.precision() == Gemm.Precision.BF16;
        if ((beta == 0f || beta == 1f) && LeftTransposedProducts.applies(transA, transB, m, n, k, lda, ldb, ldc, bf16, avx512())) {
            leftTransposed.run(m, n, k, a, b, c, beta == 1f, bf16);
            return;
        }
        check(dnnl.dnnl_sgemm(trans(transA), trans(transB), m, n, k, 1f, a, lda, b, ldb, beta, c, ldc));
    }

    /** y = op(A) x + beta y as the one-row product yᵀ = xᵀ op(A)ᵀ. */
    @Override
    protected void cblasSgemv(boolean trans, int rows, int cols, FloatBuffer matrix, int ld, FloatBuffer x, float beta, FloatBuffer y) {
        if (trans) {
            check(dnnl.dnnl_sgemm(trans(false), trans(false), 1, cols, rows, 1f, x, rows, matrix, ld, beta, y, cols));
        } else {
            check(dnnl.dnnl_sgemm(trans(false), trans(true), 1, rows, cols, 1f, x, cols, matrix, ld, beta, y, rows));
        }
    }

    /**
     * A parameter read transposed goes to {@link PrepackedProducts} up to its tallest product, and at one row to the
     * operand's {@link TransposedCopy}: sgemm would lay the operand out anew on every call, these once per update of the
     * parameter, however few products a run makes of it (the hoisted decoder of a batch-1 model, one per window:
     * inference of rnn_h100_b1_t25 ran 1.3x faster, training as fast; docs/PERFORMANCE.md). A parameter read as stored
     * is prepacked too on cores without AVX-512 when the product is 512 columns wide or more (a backward step's
     * {@code δz · W_hh} at lstm_h512), where sgemm runs slower than the prepacked primitive. The rest go to sgemm.
     * In bfloat16 every product of a parameter of more than one row is prepacked, read as stored or transposed.
     */
    @Override
    protected boolean prepackedProduct(ImmutableOperand operand, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, FloatBuffer a,
            FloatBuffer c, boolean accumulate) {
        if (m > 1 && Gemm.precision() == Gemm.Precision.BF16) {
            products().run(operand, opA, opB, m, n, k, a, c, accumulate, true);
            return true;
        }
        if (m > PrepackedProducts.MAX_ROWS) {
            return false;
        }
        if (opB == Gemm.Op.N) {
            if (!PrepackedProducts.takesStored(m, n, avx512())) {
                return false;
            }
            products().run(operand, opA, opB, m, n, k, a, c, accumulate, false);
            return true;
        }
        if (m == 1) {
            FloatBuffer transposed = operand.layout(new TransposedCopy.Key(n, k), key -> new TransposedCopy((TransposedCopy.Key) key)).current(operand);
            cblasSgemv(true, k, n, transposed, n, a, accumulate ? 1f : 0f, c);
            return true;
        }
        products().run(operand, opA, m, n, k, a, c, accumulate);
        return true;
    }

    /** Where the cores have bfloat16 instructions (AVX512-BF16, or AMX). */
    @Override
    public boolean supportsBf16() {
        return runs(dnnl.dnnl_cpu_isa_avx512_core_bf16);
    }

    /** Whether oneDNN runs AVX-512 kernels here. */
    private boolean avx512() {
        return runs(dnnl.dnnl_cpu_isa_avx512_core);
    }

    /** Whether oneDNN's kernels here include {@code wanted}'s: its ISAs are supersets of the ones below them. */
    private boolean runs(int wanted) {
        return (effectiveIsa() & wanted) == wanted;
    }

    /** oneDNN's ISA here, asked once. */
    private int effectiveIsa() {
        int isa = effectiveIsa;
        if (isa == 0) {
            isa = dnnl.dnnl_get_effective_cpu_isa();
            effectiveIsa = isa;
        }
        return isa;
    }

    private PrepackedProducts products() {
        PrepackedProducts p = prepacked;
        if (p == null) {
            synchronized (this) {
                if (prepacked == null) {
                    prepacked = new PrepackedProducts();
                }
                p = prepacked;
            }
        }
        return p;
    }

    private static byte trans(boolean t) {
        return (byte) (t ? 'T' : 'N');
    }

    private static void check(int status) {
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("oneDNN sgemm failed with status " + status);
        }
    }

    private static String isaName(int isa) {
        for (Field f : dnnl.class.getFields()) {
            try {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith("dnnl_cpu_isa_") && f.getInt(null) == isa) {
                    return f.getName().substring("dnnl_cpu_isa_".length());
                }
            } catch (IllegalAccessException e) {
                break;
            }
        }
        return "isa " + isa;
    }

    /**
     * The threads of one product. oneDNN runs on OpenMP, whose thread count is a setting of each calling
     * thread: before a product, a thread applies the count it wants through OpenMP's own
     * {@code omp_set_num_threads} when it differs from the one it last applied (0 wants OpenMP's default, read
     * when the library is bound). Without the binding (it failed to load) products keep OpenMP's default.
     */
    private static final class OpenMpThreads {
        private volatile Function setNumThreads;
        private Function getMaxThreads;
        private int ownThreads;
        private final ThreadLocal<int[]> applied = ThreadLocal.withInitial(() -> new int[1]);

        synchronized void bind(String openMpLibrary) {
            if (openMpLibrary == null || setNumThreads != null) {
                return;
            }
            try {
                NativeLibrary library = NativeLibrary.getInstance(openMpLibrary);
                getMaxThreads = library.getFunction("omp_get_max_threads");
                ownThreads = getMaxThreads.invokeInt(new Object[0]);
                setNumThreads = library.getFunction("omp_set_num_threads");
            } catch (LinkageError | RuntimeException e) {
                setNumThreads = null;
            }
        }

        void applyToCaller(int count) {
            Function set = setNumThreads;
            if (set == null) {
                return;
            }
            int want = count > 0 ? count : ownThreads;
            int[] mine = applied.get();
            if (mine[0] != want) {
                set.invokeVoid(new Object[] {want});
                mine[0] = want;
            }
        }

        int perProduct() {
            if (setNumThreads == null) {
                return 0;
            }
            applyToCaller(Gemm.callerThreads());
            return getMaxThreads.invokeInt(new Object[0]);
        }
    }
}
