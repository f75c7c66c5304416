// y (1 x n) = x (1 x k) . W (k x n, row-major), added to y when accumulate: a batch of one's product of a step,
// each row of W scaled by one element of x and summed into the columns' accumulators. Up to eight vectors of columns
// at a time (four with AVX2), the rows in two interleaved chains (even and odd p) so the FMAs' latency hides behind
// each other, the chains added at the end. A GEMM library's call costs more than this product at a step's sizes.
#ifndef UNFOLD_ROW_PRODUCT_H
#define UNFOLD_ROW_PRODUCT_H

#include <immintrin.h>
#include <stddef.h>

#include "unfold_cpu.h"

namespace unfold {

static inline void row_product_scalar(int n, int k, const float* x, const float* w, float* y, bool accumulate) {
    for (int j = 0; j < n; j++) {
        float s = accumulate ? y[j] : 0.0f;
        for (int p = 0; p < k; p++) {
            s += x[p] * w[(size_t) p * n + j];
        }
        y[j] = s;
    }
}

#pragma GCC push_options
#pragma GCC target("avx512f,fma")
namespace avx512 {
// Columns [j, j + 16 NV): NV vectors, the last one masked to the columns below n. One broadcast of x[p] serves
// them all; NV is a constant so the accumulators stay in registers.
template <int NV>
static inline void block(int n, int k, const float* x, const float* w, float* y, bool accumulate, int j) {
    int left = n - j - 16 * (NV - 1);
    __mmask16 last = left >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << left) - 1);
    __m512 even[NV], odd[NV];
    for (int v = 0; v < NV; v++) {
        even[v] = _mm512_setzero_ps();
        odd[v] = _mm512_setzero_ps();
    }
    int p = 0;
    for (; p + 1 < k; p += 2) {
        const float* r = w + (size_t) p * n + j;
        const float* s = r + n;
        __m512 a = _mm512_set1_ps(x[p]);
        __m512 b = _mm512_set1_ps(x[p + 1]);
        for (int v = 0; v < NV - 1; v++) {
            even[v] = _mm512_fmadd_ps(a, _mm512_loadu_ps(r + 16 * v), even[v]);
            odd[v] = _mm512_fmadd_ps(b, _mm512_loadu_ps(s + 16 * v), odd[v]);
        }
        even[NV - 1] = _mm512_fmadd_ps(a, _mm512_maskz_loadu_ps(last, r + 16 * (NV - 1)), even[NV - 1]);
        odd[NV - 1] = _mm512_fmadd_ps(b, _mm512_maskz_loadu_ps(last, s + 16 * (NV - 1)), odd[NV - 1]);
    }
    if (p < k) {
        const float* r = w + (size_t) p * n + j;
        __m512 a = _mm512_set1_ps(x[p]);
        for (int v = 0; v < NV - 1; v++) {
            even[v] = _mm512_fmadd_ps(a, _mm512_loadu_ps(r + 16 * v), even[v]);
        }
        even[NV - 1] = _mm512_fmadd_ps(a, _mm512_maskz_loadu_ps(last, r + 16 * (NV - 1)), even[NV - 1]);
    }
    for (int v = 0; v < NV; v++) {
        __mmask16 m = v == NV - 1 ? last : (__mmask16) 0xFFFF;
        __m512 sum = _mm512_add_ps(even[v], odd[v]);
        float* out = y + j + 16 * v;
        if (accumulate) {
            sum = _mm512_add_ps(_mm512_maskz_loadu_ps(m, out), sum);
        }
        _mm512_mask_storeu_ps(out, m, sum);
    }
}

static void row_product(int n, int k, const float* x, const float* w, float* y, bool accumulate) {
    int j = 0;
    for (; j + 64 <= n; j += 64) {
        block<4>(n, k, x, w, y, accumulate, j);
    }
    switch ((n - j + 15) / 16) {
        case 1: block<1>(n, k, x, w, y, accumulate, j); break;
        case 2: block<2>(n, k, x, w, y, accumulate, j); break;
        case 3: block<3>(n, k, x, w, y, accumulate, j); break;
        default: break;
    }
}
}  // namespace avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
// Columns [j, j + 32), all present; the last n mod 32 columns go to the scalar code.
static inline void block(int n, int k, const float* x, const float* w, float* y, bool accumulate, int j) {
    __m256 even[4], odd[4];
    for (int v = 0; v < 4; v++) {
        even[v] = _mm256_setzero_ps();
        odd[v] = _mm256_setzero_ps();
    }
    int p = 0;
    for (; p + 1 < k; p += 2) {
        const float* r = w + (size_t) p * n + j;
        const float* s = r + n;
        __m256 a = _mm256_set1_ps(x[p]);
        __m256 b = _mm256_set1_ps(x[p + 1]);
        for (int v = 0; v < 4; v++) {
            even[v] = _mm256_fmadd_ps(a, _mm256_loadu_ps(r + 8 * v), even[v]);
            odd[v] = _mm256_fmadd_ps(b, _mm256_loadu_ps(s + 8 * v), odd[v]);
        }
    }
    if (p < k) {
        const float* r = w + (size_t) p * n + j;
        __m256 a = _mm256_set1_ps(x[p]);
        for (int v = 0; v < 4; v++) {
            even[v] = _mm256_fmadd_ps(a, _mm256_loadu_ps(r + 8 * v), even[v]);
        }
    }
    for (int v = 0; v < 4; v++) {
        __m256 sum = _mm256_add_ps(even[v], odd[v]);
        float* out = y + j + 8 * v;
        _mm256_storeu_ps(out, accumulate ? _mm256_add_ps(_mm256_loadu_ps(out), sum) : sum);
    }
}

static void row_product(int n, int k, const float* x, const float* w, float* y, bool accumulate) {
    int j = 0;
    for (; j + 32 <= n; j += 32) {
        block(n, k, x, w, y, accumulate, j);
    }
    for (; j < n; j++) {
        float s = 0.0f;
        for (int p = 0; p < k; p++) {
            s += x[p] * w[(size_t) p * n + j];
        }
        y[j] = accumulate ? y[j] + s : s;
    }
}
}  // namespace avx2
#pragma GCC pop_options

// On the body of one instruction level (2 AVX-512, 1 AVX2, 0 scalar), at most level().
static inline void row_product_on(int l, int n, int k, const float* x, const float* w, float* y, bool accumulate) {
    if (l >= 2 && level() >= 2) {
        avx512::row_product(n, k, x, w, y, accumulate);
    } else if (l >= 1 && level() >= 1) {
        avx2::row_product(n, k, x, w, y, accumulate);
    } else {
        row_product_scalar(n, k, x, w, y, accumulate);
    }
}

static inline void row_product(int n, int k, const float* x, const float* w, float* y, bool accumulate) {
    row_product_on(level(), n, k, x, w, y, accumulate);
}

}  // namespace unfold

#endif
