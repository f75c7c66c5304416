package dev.unfold.exec;

/**
 * One step of a compiled program. {@code v[id]} is the float array holding node {@code id}'s value:
 * the fed array for leaves, a planned buffer for computed nodes. An instruction reads its inputs' arrays
 * and overwrites its outputs' arrays.
 */
@FunctionalInterface
interface Instruction {
    void run(float[][] v);
}
