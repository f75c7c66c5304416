package dev.unfold.kernel;

import java.util.Arrays;

/**
 * Pure-Java single-precision GEMM. Transposed operands are copied to row-major first; the product runs
 * i-k-j with four rows of A at a time so each loaded row of B feeds four FMAs, and the unit-stride inner
 * loop is one the JIT vectorises.
 */
public final class JavaGemm implements GemmBackend {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        float[] an = opA == Gemm.Op.N ? a : Gemm.transpose(a, k, m);
        float[] bn = opB == Gemm.Op.N ? b : Gemm.transpose(b, n, k);
        if (!accumulate) {
            Arrays.fill(c, 0, m * n, 0f);
        }
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            fourRows(an, bn, c, i, n, k);
        }
        for (; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                float av = an[i * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * bn[bp + j];
                }
            }
        }
    }

    private static void fourRows(float[] a, float[] b, float[] c, int i, int n, int k) {
        int c0 = i * n;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        for (int p = 0; p < k; p++) {
            float a0 = a[i * k + p];
            float a1 = a[(i + 1) * k + p];
            float a2 = a[(i + 2) * k + p];
            float a3 = a[(i + 3) * k + p];
            int bp = p * n;
            for (int j = 0; j < n; j++) {
                float bv = b[bp + j];
                c[c0 + j] += a0 * bv;
                c[c1 + j] += a1 * bv;
                c[c2 + j] += a2 * bv;
                c[c3 + j] += a3 * bv;
            }
        }
    }
}
