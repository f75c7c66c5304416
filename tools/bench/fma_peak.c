/* The cores' float32 FMA peak: each thread runs 16 independent chains of 512-bit fused multiply-adds (16 lanes,
   2 FLOPs each) out of registers, so nothing but the FMA units limits it. Usage: fma_peak THREADS SECONDS.
   Built and run by tools/bench/ceilings.sh. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds;
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run(void *out) {
    __m512 a[16];
    __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 16; i++) a[i] = _mm512_set1_ps((float) i);
    long iters = 0;
    double start = now();
    while (now() - start < seconds) {
        for (int r = 0; r < 100000; r++) {
            for (int i = 0; i < 16; i++) a[i] = _mm512_fmadd_ps(a[i], x, y);
        }
        iters += 100000;
    }
    double elapsed = now() - start;
    float sink = 0;
    for (int i = 0; i < 16; i++) sink += _mm512_reduce_add_ps(a[i]);
    ((double *) out)[0] = iters * 16.0 * 16 * 2 / elapsed;
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
    printf("fma_peak threads=%d gflop_per_s=%.1f (checksum %g)\n", threads, total / 1e9, sink);
    return 0;
}
