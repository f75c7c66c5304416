// A softmax over each row of a (rows, cols) block and its log-sum-exp, as Unfold's Java passes compute them
// (dev.unfold.kernel.RowSoftmax): each row's maximum taken out, e^(x - max) by Activations.expNonPositive (Cody and
// Waite's reduction, Cephes' polynomial, 2^k put into the exponent's bits), the row's sum in double in four chains
// (element c of the row on chain c mod 4, the last cols mod 4 on the first), (s0 + s1) + (s2 + s3). The same
// operations in the same order, nothing contracted, so the results are the same bit for bit. A vocabulary's row is
// short (65) and Java's JIT vectorises none of this across rows; here each row is 16 (8) lanes at a time.
#ifndef UNFOLD_ROW_SOFTMAX_H
#define UNFOLD_ROW_SOFTMAX_H

#pragma GCC optimize("fp-contract=off")

#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#include "unfold_cpu.h"

namespace unfold {

static inline float exp_non_positive(float v) {
    float x = -88.0f > v ? -88.0f : v;  // Math.max(v, -88f): a NaN v stays NaN
    float k = fmaf(x, 1.44269504088896341f, 12582912.0f) - 12582912.0f;
    float r = fmaf(k, 2.12194440e-4f, fmaf(k, -0.693359375f, x));
    float p = fmaf(1.9875691500e-4f, r, 1.3981999507e-3f);
    p = fmaf(p, r, 8.3334519073e-3f);
    p = fmaf(p, r, 4.1665795894e-2f);
    p = fmaf(p, r, 1.6666665459e-1f);
    p = fmaf(p, r, 5.0000001201e-1f);
    float e = fmaf(p, r * r, r) + 1.0f;
    int ki = k != k ? 0 : (int) k;  // Java's (int) of NaN
    union { unsigned u; float f; } two;
    two.u = (unsigned) (ki + 127) << 23;
    return e * two.f;
}

// The chains s[0..3] continued over the row's last elements e[0..t), which start at a multiple of 4.
static inline void sum_tail(const float* e, int t, double* s) {
    int k = 0;
    for (; k + 3 < t; k += 4) {
        s[0] += e[k];
        s[1] += e[k + 1];
        s[2] += e[k + 2];
        s[3] += e[k + 3];
    }
    for (; k < t; k++) {
        s[0] += e[k];
    }
}

// One row element by element: its exponentials into out when out is not null, its maximum and its sum.
static inline void row_scalar(int cols, const float* x, float* out, float* max_out, double* sum_out) {
    float mx = -INFINITY;
    for (int c = 0; c < cols; c++) {
        mx = x[c] > mx ? x[c] : mx;
    }
    double s[4] = {0, 0, 0, 0};
    float group[4];
    int c = 0;
    for (; c + 3 < cols; c += 4) {
        for (int k = 0; k < 4; k++) {
            group[k] = exp_non_positive(x[c + k] - mx);
            if (out) out[c + k] = group[k];
        }
        sum_tail(group, 4, s);
    }
    for (; c < cols; c++) {
        float e = exp_non_positive(x[c] - mx);
        if (out) out[c] = e;
        s[0] += e;
    }
    *max_out = mx;
    *sum_out = (s[0] + s[1]) + (s[2] + s[3]);
}

#define UNFOLD_SOFTMAX_BODY(V, W, SET1, LOAD, STORE, ADD, SUB, MUL, FMA, MAX, CVTT, ADDI, SET1I, SLLI, CASTPS, FIRST, GROUPS) \
    static inline V exp_v(V v) {                                                                                 \
        V x = MAX(SET1(-88.0f), v);                                                                              \
        V k = SUB(FMA(x, SET1(1.44269504088896341f), SET1(12582912.0f)), SET1(12582912.0f));                     \
        V r = FMA(k, SET1(2.12194440e-4f), FMA(k, SET1(-0.693359375f), x));                                      \
        V p = FMA(SET1(1.9875691500e-4f), r, SET1(1.3981999507e-3f));                                            \
        p = FMA(p, r, SET1(8.3334519073e-3f));                                                                   \
        p = FMA(p, r, SET1(4.1665795894e-2f));                                                                   \
        p = FMA(p, r, SET1(1.6666665459e-1f));                                                                   \
        p = FMA(p, r, SET1(5.0000001201e-1f));                                                                   \
        V e = ADD(FMA(p, MUL(r, r), r), SET1(1.0f));                                                             \
        return MUL(e, CASTPS(SLLI(ADDI(CVTT(k), SET1I(127)), 23)));                                              \
    }                                                                                                            \
    static inline void row(int cols, const float* x, float* out, float* max_out, double* sum_out) {             \
        V m = SET1(-INFINITY);                                                                                   \
        int c = 0;                                                                                               \
        for (; c + W <= cols; c += W) {                                                                          \
            m = MAX(LOAD(x + c), m);                                                                             \
        }                                                                                                        \
        float lanes[W];                                                                                          \
        STORE(lanes, m);                                                                                         \
        float mx = -INFINITY;                                                                                    \
        for (int k = 0; k < W; k++) mx = lanes[k] > mx ? lanes[k] : mx;                                          \
        for (; c < cols; c++) mx = x[c] > mx ? x[c] : mx;                                                        \
        V shift = SET1(mx);                                                                                      \
        __m256d chains = _mm256_setzero_pd();                                                                    \
        c = 0;                                                                                                   \
        for (; c + W <= cols; c += W) {                                                                          \
            V e = exp_v(SUB(LOAD(x + c), shift));                                                                \
            if (out) STORE(out + c, e);                                                                          \
            GROUPS(chains, e);                                                                                   \
        }                                                                                                        \
        double s[4];                                                                                             \
        _mm256_storeu_pd(s, chains);                                                                             \
        float tail[W];                                                                                           \
        int t = 0;                                                                                               \
        for (; c < cols; c++) {                                                                                  \
            tail[t] = FIRST(exp_v(SET1(x[c] - mx)));  /* one lane's worth, no call to fmaf */                     \
            if (out) out[c] = tail[t];                                                                           \
            t++;                                                                                                 \
        }                                                                                                        \
        sum_tail(tail, t, s);                                                                                    \
        *max_out = mx;                                                                                           \
        *sum_out = (s[0] + s[1]) + (s[2] + s[3]);                                                                \
    }                                                                                                            \
    static void scale_row(int cols, float* out, float scale) {                                                   \
        V by = SET1(scale);                                                                                      \
        int c = 0;                                                                                               \
        for (; c + W <= cols; c += W) STORE(out + c, MUL(LOAD(out + c), by));                                    \
        for (; c < cols; c++) out[c] *= scale;                                                                   \
    }

#define UNFOLD_GROUPS_512(acc, e)                                                                                \
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm512_extractf32x4_ps(e, 0)));                                     \
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm512_extractf32x4_ps(e, 1)));                                     \
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm512_extractf32x4_ps(e, 2)));                                     \
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm512_extractf32x4_ps(e, 3)))

#define UNFOLD_GROUPS_256(acc, e)                                                                                \
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));                                        \
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)))

#pragma GCC push_options
#pragma GCC target("avx512f,fma")
namespace avx512 {
UNFOLD_SOFTMAX_BODY(__m512, 16, _mm512_set1_ps, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_sub_ps,
        _mm512_mul_ps, _mm512_fmadd_ps, _mm512_max_ps, _mm512_cvttps_epi32, _mm512_add_epi32, _mm512_set1_epi32,
        _mm512_slli_epi32, _mm512_castsi512_ps, _mm512_cvtss_f32, UNFOLD_GROUPS_512)
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
UNFOLD_SOFTMAX_BODY(__m256, 8, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_sub_ps,
        _mm256_mul_ps, _mm256_fmadd_ps, _mm256_max_ps, _mm256_cvttps_epi32, _mm256_add_epi32, _mm256_set1_epi32,
        _mm256_slli_epi32, _mm256_castsi256_ps, _mm256_cvtss_f32, UNFOLD_GROUPS_256)
}
#pragma GCC pop_options

static inline void scale_row_scalar(int cols, float* out, float scale) {
    for (int c = 0; c < cols; c++) out[c] *= scale;
}

// Row r's exponentials into out (when not null), its maximum and its sum, on the body of instruction level l (or the
// best one here when l is above it).
static inline void row_on(int l, int cols, const float* x, float* out, float* max_out, double* sum_out) {
    switch (l < level() ? l : level()) {
        case 2: avx512::row(cols, x, out, max_out, sum_out); break;
        case 1: avx2::row(cols, x, out, max_out, sum_out); break;
        default: row_scalar(cols, x, out, max_out, sum_out);
    }
}

// out[r] = softmax(x[r]), out may be x: the exponentials, each row times (float) (1 / its sum).
static inline void row_softmax_on(int l, int rows, int cols, const float* x, float* out) {
    int at = l < level() ? l : level();
    for (int r = 0; r < rows; r++) {
        size_t base = (size_t) r * cols;
        float mx;
        double sum;
        row_on(at, cols, x + base, out + base, &mx, &sum);
        float scale = (float) (1 / sum);
        switch (at) {
            case 2: avx512::scale_row(cols, out + base, scale); break;
            case 1: avx2::scale_row(cols, out + base, scale); break;
            default: scale_row_scalar(cols, out + base, scale);
        }
    }
}

// Each row's maximum and the sum of its exponentials, for log-sum-exp = max + log(sum) (the log is Java's).
static inline void row_max_and_sum_on(int l, int rows, int cols, const float* x, float* maxes, double* sums) {
    for (int r = 0; r < rows; r++) {
        row_on(l, cols, x + (size_t) r * cols, 0, maxes + r, sums + r);
    }
}

static inline void row_softmax(int rows, int cols, const float* x, float* out) {
    row_softmax_on(level(), rows, cols, x, out);
}

static inline void row_max_and_sum(int rows, int cols, const float* x, float* maxes, double* sums) {
    row_max_and_sum_on(level(), rows, cols, x, maxes, sums);
}

}  // namespace unfold

#endif
