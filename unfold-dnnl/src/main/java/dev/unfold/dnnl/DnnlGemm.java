package dev.unfold.dnnl;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import dev.unfold.kernel.DirectBufferGemm;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;

/**
 * {@code dnnl_sgemm} from oneDNN on direct buffers (see {@link DirectBufferGemm}). oneDNN compiles its
 * kernels for the CPU it runs on (AVX-512 where there is AVX-512), and at the small row counts of a
 * recurrent net's per-step products it runs 2-4x faster than OpenBLAS on the project's machine
 * (docs/PERFORMANCE.md), so it is preferred when present. A vector-matrix product is a one-row sgemm:
 * oneDNN's is as fast as OpenBLAS's sgemv.
 */
public final class DnnlGemm extends DirectBufferGemm {
    private final OpenMpThreads threads = new OpenMpThreads();

    @Override
    public String name() {
        dnnl_version_t v = dnnl.dnnl_version();
        int perProduct = threads.perProduct();
        return "onednn " + v.major() + "." + v.minor() + "." + v.patch() + ", kernels compiled for " + isaName(dnnl.dnnl_get_effective_cpu_isa()) + " ("
                + (perProduct > 0 ? perProduct + (perProduct == 1 ? " thread" : " threads") : "OpenMP's threads") + " per product)";
    }

    @Override
    public int preference() {
        return 3;
    }

    @Override
    public void useThreads(int count) {
        threads.use(count);
    }

    @Override
    protected void load() {
        Loader.load(dnnl.class);
        threads.bind(Loader.getLoadedLibraries().get("gomp@.1"));
    }

    @Override
    protected void cblasSgemm(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta,
            FloatBuffer c, int ldc) {
        threads.applyToCaller();
        check(dnnl.dnnl_sgemm(trans(transA), trans(transB), m, n, k, 1f, a, lda, b, ldb, beta, c, ldc));
    }

    /** y = op(A) x + beta y as the one-row product yᵀ = xᵀ op(A)ᵀ. */
    @Override
    protected void cblasSgemv(boolean trans, int rows, int cols, FloatBuffer matrix, int ld, FloatBuffer x, float beta, FloatBuffer y) {
        threads.applyToCaller();
        if (trans) {
            check(dnnl.dnnl_sgemm(trans(false), trans(false), 1, cols, rows, 1f, x, rows, matrix, ld, beta, y, cols));
        } else {
            check(dnnl.dnnl_sgemm(trans(false), trans(true), 1, rows, cols, 1f, x, cols, matrix, ld, beta, y, rows));
        }
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
     * thread: a thread applies the wanted count through OpenMP's own {@code omp_set_num_threads} before its
     * first product after a change. Without the binding (it failed to load) products keep OpenMP's default.
     */
    private static final class OpenMpThreads {
        private volatile int wanted;
        private volatile Function setNumThreads;
        private Function getMaxThreads;
        private final ThreadLocal<int[]> applied = ThreadLocal.withInitial(() -> new int[1]);

        void bind(String openMpLibrary) {
            if (openMpLibrary == null || setNumThreads != null) {
                return;
            }
            try {
                NativeLibrary library = NativeLibrary.getInstance(openMpLibrary);
                getMaxThreads = library.getFunction("omp_get_max_threads");
                setNumThreads = library.getFunction("omp_set_num_threads");
            } catch (LinkageError | RuntimeException e) {
                setNumThreads = null;
            }
        }

        void use(int count) {
            wanted = count;
        }

        void applyToCaller() {
            int want = wanted;
            Function set = setNumThreads;
            if (want > 0 && set != null) {
                int[] mine = applied.get();
                if (mine[0] != want) {
                    set.invokeVoid(new Object[] {want});
                    mine[0] = want;
                }
            }
        }

        int perProduct() {
            if (setNumThreads == null) {
                return 0;
            }
            applyToCaller();
            return getMaxThreads.invokeInt(new Object[0]);
        }
    }
}
