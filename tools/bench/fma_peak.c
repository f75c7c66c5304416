/* The cores' float32 FMA peak: each thread runs independent chains of fused multiply-adds out of registers, so
   nothing but the FMA units limits it, on the widest vectors the compiler is told the cores have: 16 chains of
   512-bit FMAs with AVX-512 (32 registers), else 12 chains of 256-bit ones with AVX2 and FMA (16 registers: more
   chains would spill to memory); 16 or 8 lanes, 2 FLOPs each. Usage: fma_peak THREADS SECONDS.
   Built and run by tools/bench/ceilings.sh. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define CHAINS 16
#define WIDTH "512-bit"
#define splat _mm512_set1_ps
#define fma _mm512_fmadd_ps
static float lanes_sum(vec v) { return _mm512_reduce_add_ps(v); }
#else
typedef __m256 vec;
#define LANES 8
#define CHAINS 12
#define WIDTH "256-bit"
#define splat _mm256_set1_ps
#define fma _mm256_fmadd_ps
static float lanes_sum(vec v) {
    float f[8];
    _mm256_storeu_ps(f, v);
    return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#endif

static double seconds;
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run(void *out) {
    vec a[CHAINS];
    vec x = splat(0.999999f), y = splat(1e-7f);
    for (int i = 0; i < CHAINS; i++) a[i] = splat((float) i);
    long iters = 0;
    double start = now();
    while (now() - start < seconds) {
        for (int r = 0; r < 100000; r++) {
            for (int i = 0; i < CHAINS; i++) a[i] = fma(a[i], x, y);
        }
        iters += 100000;
    }
    double elapsed = now() - start;
    float sink = 0;
    for (int i = 0; i < CHAINS; i++) sink += lanes_sum(a[i]);
    ((double *) out)[0] = iters * (double) CHAINS * LANES * 2 / elapsed;
    ((double *) out)[1] = sink;
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    seconds = argc > 2 ? atof(argv[2]) : 3;
    pthread_t t[64];
    double r[64][2];
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, r[i]);
    double total = 0, sink = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        total += r[i][0];
        sink += r[i][1];
    }
    printf("fma_peak threads=%d vectors=%s gflop_per_s=%.1f (checksum %g)\n", threads, WIDTH, total / 1e9, sink);
    return 0;
}
