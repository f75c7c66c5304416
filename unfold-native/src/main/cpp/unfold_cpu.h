// What the processor runs: the instruction level every kernel of this module picks its body by.
#ifndef UNFOLD_CPU_H
#define UNFOLD_CPU_H

namespace unfold {

// 2 for AVX-512, 1 for AVX2 with FMA, 0 for neither.
static inline int level() {
    static const int l = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    return l;
}

static inline const char* instructions() {
    return level() == 2 ? "avx512" : level() == 1 ? "avx2" : "scalar";
}

static inline int instruction_level() {
    return level();
}

}  // namespace unfold

#endif
