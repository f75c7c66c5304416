// An LSTM step after its pre-activations, in one pass over each row: the gates i, f, g, o of the row's blocks
// of z (PyTorch's order), c' = f*c + i*g, tanh(c') and h' = o*tanh(c'). The same operations in the same order as
// Unfold's Java kernels (dev.unfold.kernel.Activations: clamped rational sigmoid and tanh, fused multiply-adds
// where Java calls Math.fma, nothing contracted elsewhere), so the results are the same bit for bit. AVX-512 and
// AVX2 bodies, chosen once by what the processor supports; a scalar one otherwise.
#ifndef UNFOLD_LSTM_GATES_H
#define UNFOLD_LSTM_GATES_H

#pragma GCC optimize("fp-contract=off")

#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#include "unfold_cpu.h"

namespace unfold {

static const float SIGMOID_LIMIT = 16.199995f;
static const float TANH_LIMIT = 8.099936f;

// Math.max(-L, Math.min(L, v)): min(L, v) keeps a NaN v (x86's min returns its second operand then), as Java does.
static inline float clamp(float v, float l) {
    float x = l < v ? l : v;
    return -l > x ? -l : x;
}

static inline float sigmoid(float v) {
    float x = clamp(v, SIGMOID_LIMIT);
    float x2 = x * x;
    float p = fmaf(x2, 4.37031012579801e-11f, 1.15627324459942e-07f);
    p = fmaf(p, x2, 6.08574864600143e-05f);
    p = fmaf(p, x2, 8.51377133304701e-03f);
    p = fmaf(p, x2, 2.48287947061529e-01f);
    p = p * x;
    float q = fmaf(x2, 6.10247389755681e-13f, 5.76102136993427e-09f);
    q = fmaf(q, x2, 6.29106785017040e-06f);
    q = fmaf(q, x2, 1.70198817374094e-03f);
    q = fmaf(q, x2, 1.16817656904453e-01f);
    q = fmaf(q, x2, 9.93151921023180e-01f);
    return p / q + 0.5f;
}

static inline float tanhf_(float v) {
    float x = clamp(v, TANH_LIMIT);
    float x2 = x * x;
    float p = fmaf(x2, -2.76076847742355e-16f, 2.00018790482477e-13f);
    p = fmaf(p, x2, -8.60467152213735e-11f);
    p = fmaf(p, x2, 5.12229709037114e-08f);
    p = fmaf(p, x2, 1.48572235717979e-05f);
    p = fmaf(p, x2, 6.37261928875436e-04f);
    p = fmaf(p, x2, 4.89352455891786e-03f);
    p = p * x;
    float q = fmaf(x2, 1.19825839466702e-06f, 1.18534705686654e-04f);
    q = fmaf(q, x2, 2.26843463243900e-03f);
    q = fmaf(q, x2, 4.89352518554385e-03f);
    return p / q;
}

// Where a step's pre-activations come from: z itself (y null), or made on the way as z = (a + ba) + (y + by), the
// sum BiasedSums makes (ba and by rows of 4n read at each row's column, ba null for z = a + (y + by)). Row r of a is
// row a_rows[r] when a_rows is not null (rows gathered from a projected embedding table), else row r.
struct PreActivations {
    const float* a;
    const int* a_rows;
    const float* ba;
    const float* y;
    const float* by;
};

// One row's operands.
struct PreActivationRow {
    const float* a;
    const float* ba;
    const float* y;
    const float* by;
};

static inline PreActivationRow row_of(const PreActivations& z, int r, int n) {
    size_t width = (size_t) 4 * n;
    PreActivationRow row = {z.a + (z.a_rows ? (size_t) z.a_rows[r] : (size_t) r) * width, z.ba, z.y ? z.y + r * width : 0, z.by};
    return row;
}

static inline float pre_activation(const PreActivationRow& z, int col) {
    if (!z.y) return z.a[col];
    float x = z.ba ? z.a[col] + z.ba[col] : z.a[col];
    return x + (z.y[col] + z.by[col]);
}

// One element j of a row: z the row's operands (4 blocks of n), the outputs at the row's offset.
static inline void element(int n, int j, const PreActivationRow& z, const float* cr, float* ir, float* fr, float* gr,
        float* orow, float* cn, float* tc, float* hn) {
    float i = sigmoid(pre_activation(z, j));
    float f = sigmoid(pre_activation(z, n + j));
    float g = tanhf_(pre_activation(z, 2 * n + j));
    float o = sigmoid(pre_activation(z, 3 * n + j));
    float c = f * cr[j] + i * g;
    float t = tanhf_(c);
    if (ir) { ir[j] = i; fr[j] = f; gr[j] = g; orow[j] = o; }
    cn[j] = c;
    if (tc) tc[j] = t;
    hn[j] = o * t;
}

#define UNFOLD_GATES_BODY(V, W, SET1, LOAD, STORE, ADD, MUL, DIV, FMA, MIN, MAX)                                 \
    static inline V sigmoid_v(V v) {                                                                             \
        V x = MAX(SET1(-SIGMOID_LIMIT), MIN(SET1(SIGMOID_LIMIT), v));                                            \
        V x2 = MUL(x, x);                                                                                        \
        V p = FMA(x2, SET1(4.37031012579801e-11f), SET1(1.15627324459942e-07f));                                 \
        p = FMA(p, x2, SET1(6.08574864600143e-05f));                                                             \
        p = FMA(p, x2, SET1(8.51377133304701e-03f));                                                             \
        p = FMA(p, x2, SET1(2.48287947061529e-01f));                                                             \
        p = MUL(p, x);                                                                                           \
        V q = FMA(x2, SET1(6.10247389755681e-13f), SET1(5.76102136993427e-09f));                                 \
        q = FMA(q, x2, SET1(6.29106785017040e-06f));                                                             \
        q = FMA(q, x2, SET1(1.70198817374094e-03f));                                                             \
        q = FMA(q, x2, SET1(1.16817656904453e-01f));                                                             \
        q = FMA(q, x2, SET1(9.93151921023180e-01f));                                                             \
        return ADD(DIV(p, q), SET1(0.5f));                                                                       \
    }                                                                                                            \
    static inline V tanh_v(V v) {                                                                                \
        V x = MAX(SET1(-TANH_LIMIT), MIN(SET1(TANH_LIMIT), v));                                                  \
        V x2 = MUL(x, x);                                                                                        \
        V p = FMA(x2, SET1(-2.76076847742355e-16f), SET1(2.00018790482477e-13f));                                \
        p = FMA(p, x2, SET1(-8.60467152213735e-11f));                                                            \
        p = FMA(p, x2, SET1(5.12229709037114e-08f));                                                             \
        p = FMA(p, x2, SET1(1.48572235717979e-05f));                                                             \
        p = FMA(p, x2, SET1(6.37261928875436e-04f));                                                             \
        p = FMA(p, x2, SET1(4.89352455891786e-03f));                                                             \
        p = MUL(p, x);                                                                                           \
        V q = FMA(x2, SET1(1.19825839466702e-06f), SET1(1.18534705686654e-04f));                                 \
        q = FMA(q, x2, SET1(2.26843463243900e-03f));                                                             \
        q = FMA(q, x2, SET1(4.89352518554385e-03f));                                                             \
        return DIV(p, q);                                                                                        \
    }                                                                                                            \
    static inline V pre_activation_v(const PreActivationRow& z, int col) {                                       \
        if (!z.y) return LOAD(z.a + col);                                                                        \
        V x = z.ba ? ADD(LOAD(z.a + col), LOAD(z.ba + col)) : LOAD(z.a + col);                                   \
        return ADD(x, ADD(LOAD(z.y + col), LOAD(z.by + col)));                                                   \
    }                                                                                                            \
    static void lstm_gates(int rows, int n, const PreActivations& z, const float* c, float* gi, float* gf,       \
            float* gg, float* go, float* cn, float* tc, float* hn) {                                             \
        for (int r = 0; r < rows; r++) {                                                                         \
            PreActivationRow zr = row_of(z, r, n);                                                               \
            size_t at = (size_t) r * n;                                                                          \
            int j = 0;                                                                                           \
            for (; j + W <= n; j += W) {                                                                         \
                V i = sigmoid_v(pre_activation_v(zr, j));                                                        \
                V f = sigmoid_v(pre_activation_v(zr, n + j));                                                    \
                V g = tanh_v(pre_activation_v(zr, 2 * n + j));                                                   \
                V o = sigmoid_v(pre_activation_v(zr, 3 * n + j));                                                \
                V cj = ADD(MUL(f, LOAD(c + at + j)), MUL(i, g));                                                 \
                V t = tanh_v(cj);                                                                                \
                if (gi) {                                                                                        \
                    STORE(gi + at + j, i); STORE(gf + at + j, f); STORE(gg + at + j, g); STORE(go + at + j, o);  \
                }                                                                                                \
                STORE(cn + at + j, cj);                                                                          \
                if (tc) STORE(tc + at + j, t);                                                                   \
                STORE(hn + at + j, MUL(o, t));                                                                   \
            }                                                                                                    \
            for (; j < n; j++) {                                                                                 \
                element(n, j, zr, c + at, gi ? gi + at : 0, gf ? gf + at : 0, gg ? gg + at : 0,                  \
                        go ? go + at : 0, cn + at, tc ? tc + at : 0, hn + at);                                   \
            }                                                                                                    \
        }                                                                                                        \
    }

// The step's VJP (dev.unfold.kernel.LstmGates.backward): from dh' (dh_a, plus dh_b when not null), dc' of the steps
// after (next, null when none) and the saved i, f, g, o, tanh(c') and c, the gradient of z (rows x 4n, blocks i, f, g,
// o) and, when prev is not null, prev = dc' * prev_factor. Each value the graph op's float operation, none contracted.
struct StepGradients {
    const float* dh_a;
    const float* dh_b;
    const float* next;
    const float* i;
    const float* f;
    const float* g;
    const float* o;
    const float* t;
    const float* c;
    float* dz;
    float* prev;
    const float* prev_factor;
};

static inline void backward_element(int n, size_t e, float* dz, const StepGradients& s) {
    float dh = s.dh_b ? s.dh_a[e] + s.dh_b[e] : s.dh_a[e];
    float t = s.t[e], i = s.i[e], f = s.f[e], g = s.g[e], o = s.o[e];
    float from_h = (dh * o) * (1.0f - t * t);
    float dc = s.next ? s.next[e] + from_h : from_h;
    dz[0] = (dc * g) * (i * (1.0f - i));
    dz[n] = (dc * s.c[e]) * (f * (1.0f - f));
    dz[2 * n] = (dc * i) * (1.0f - g * g);
    dz[3 * n] = (dh * t) * (o * (1.0f - o));
    if (s.prev) s.prev[e] = dc * s.prev_factor[e];
}

#define UNFOLD_GATES_BACKWARD_BODY(V, W, SET1, LOAD, STORE, ADD, SUB, MUL)                                       \
    static void lstm_gates_backward(int rows, int n, const StepGradients& s) {                                   \
        V one = SET1(1.0f);                                                                                      \
        for (int r = 0; r < rows; r++) {                                                                         \
            size_t at = (size_t) r * n;                                                                          \
            float* dz = s.dz + (size_t) r * 4 * n;                                                               \
            int j = 0;                                                                                           \
            for (; j + W <= n; j += W) {                                                                         \
                size_t e = at + j;                                                                               \
                V dh = s.dh_b ? ADD(LOAD(s.dh_a + e), LOAD(s.dh_b + e)) : LOAD(s.dh_a + e);                      \
                V t = LOAD(s.t + e), i = LOAD(s.i + e), f = LOAD(s.f + e), g = LOAD(s.g + e), o = LOAD(s.o + e);  \
                V from_h = MUL(MUL(dh, o), SUB(one, MUL(t, t)));                                                 \
                V dc = s.next ? ADD(LOAD(s.next + e), from_h) : from_h;                                          \
                STORE(dz + j, MUL(MUL(dc, g), MUL(i, SUB(one, i))));                                             \
                STORE(dz + n + j, MUL(MUL(dc, LOAD(s.c + e)), MUL(f, SUB(one, f))));                             \
                STORE(dz + 2 * n + j, MUL(MUL(dc, i), SUB(one, MUL(g, g))));                                     \
                STORE(dz + 3 * n + j, MUL(MUL(dh, t), MUL(o, SUB(one, o))));                                     \
                if (s.prev) STORE(s.prev + e, MUL(dc, LOAD(s.prev_factor + e)));                                 \
            }                                                                                                    \
            for (; j < n; j++) {                                                                                 \
                backward_element(n, at + j, dz + j, s);                                                          \
            }                                                                                                    \
        }                                                                                                        \
    }

#pragma GCC push_options
#pragma GCC target("avx512f,fma")
namespace avx512 {
UNFOLD_GATES_BODY(__m512, 16, _mm512_set1_ps, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_mul_ps,
        _mm512_div_ps, _mm512_fmadd_ps, _mm512_min_ps, _mm512_max_ps)
UNFOLD_GATES_BACKWARD_BODY(__m512, 16, _mm512_set1_ps, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps)
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
UNFOLD_GATES_BODY(__m256, 8, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_mul_ps,
        _mm256_div_ps, _mm256_fmadd_ps, _mm256_min_ps, _mm256_max_ps)
UNFOLD_GATES_BACKWARD_BODY(__m256, 8, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps)
}
#pragma GCC pop_options

static void lstm_gates_scalar(int rows, int n, const PreActivations& z, const float* c, float* gi, float* gf, float* gg,
        float* go, float* cn, float* tc, float* hn) {
    for (int r = 0; r < rows; r++) {
        size_t at = (size_t) r * n;
        for (int j = 0; j < n; j++) {
            element(n, j, row_of(z, r, n), c + at, gi ? gi + at : 0, gf ? gf + at : 0, gg ? gg + at : 0,
                    go ? go + at : 0, cn + at, tc ? tc + at : 0, hn + at);
        }
    }
}

// The body of instruction level l (2 AVX-512, 1 AVX2, 0 scalar), or the best one here when l is above it: the
// tests run each body the processor has.
static inline void gates_on(int l, int rows, int n, const PreActivations& z, const float* c, float* gi, float* gf, float* gg,
        float* go, float* cn, float* tc, float* hn) {
    switch (l < level() ? l : level()) {
        case 2: avx512::lstm_gates(rows, n, z, c, gi, gf, gg, go, cn, tc, hn); break;
        case 1: avx2::lstm_gates(rows, n, z, c, gi, gf, gg, go, cn, tc, hn); break;
        default: lstm_gates_scalar(rows, n, z, c, gi, gf, gg, go, cn, tc, hn);
    }
}

static inline void lstm_gates_on(int l, int rows, int n, const float* z, const float* c, float* gi, float* gf, float* gg,
        float* go, float* cn, float* tc, float* hn) {
    PreActivations given = {z, 0, 0, 0, 0};
    gates_on(l, rows, n, given, c, gi, gf, gg, go, cn, tc, hn);
}

// The gate outputs (gi, gf, gg, go) all or none, tc optional; every array rows x n but z, rows x 4n.
static inline void lstm_gates(int rows, int n, const float* z, const float* c, float* gi, float* gf, float* gg, float* go,
        float* cn, float* tc, float* hn) {
    lstm_gates_on(level(), rows, n, z, c, gi, gf, gg, go, cn, tc, hn);
}

// As lstm_gates_on with z = (a + ba) + (y + by) made on the way (ba may be null: z = a + (y + by)); y rows x 4n, a
// rows x 4n or, with a_rows, at least 1 + max(a_rows) rows of 4n; ba and by one row of 4n.
static inline void lstm_gates_of_sum_on(int l, int rows, int n, const float* a, const int* a_rows, const float* ba, const float* y,
        const float* by, const float* c, float* gi, float* gf, float* gg, float* go, float* cn, float* tc, float* hn) {
    PreActivations summed = {a, a_rows, ba, y, by};
    gates_on(l, rows, n, summed, c, gi, gf, gg, go, cn, tc, hn);
}

static inline void lstm_gates_of_sum(int rows, int n, const float* a, const int* a_rows, const float* ba, const float* y,
        const float* by, const float* c, float* gi, float* gf, float* gg, float* go, float* cn, float* tc, float* hn) {
    lstm_gates_of_sum_on(level(), rows, n, a, a_rows, ba, y, by, c, gi, gf, gg, go, cn, tc, hn);
}

static void lstm_gates_backward_scalar(int rows, int n, const StepGradients& s) {
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < n; j++) {
            backward_element(n, (size_t) r * n + j, s.dz + (size_t) r * 4 * n + j, s);
        }
    }
}

// The step's VJP on the body of instruction level l, or the best one here when l is above it. dh_b, next and prev
// may be null (prev_factor with prev); every array rows x n but dz, rows x 4n.
static inline void lstm_gates_backward_on(int l, int rows, int n, const float* dh_a, const float* dh_b, const float* next, const float* i,
        const float* f, const float* g, const float* o, const float* t, const float* c, float* dz, float* prev, const float* prev_factor) {
    StepGradients s = {dh_a, dh_b, next, i, f, g, o, t, c, dz, prev, prev_factor};
    switch (l < level() ? l : level()) {
        case 2: avx512::lstm_gates_backward(rows, n, s); break;
        case 1: avx2::lstm_gates_backward(rows, n, s); break;
        default: lstm_gates_backward_scalar(rows, n, s);
    }
}

static inline void lstm_gates_backward(int rows, int n, const float* dh_a, const float* dh_b, const float* next, const float* i,
        const float* f, const float* g, const float* o, const float* t, const float* c, float* dz, float* prev, const float* prev_factor) {
    lstm_gates_backward_on(level(), rows, n, dh_a, dh_b, next, i, f, g, o, t, c, dz, prev, prev_factor);
}

}  // namespace unfold

#endif
