package dev.unfold.exec;

/**
 * A scheduled piece of a compiled program: the nodes it stands for ({@code covers}), the nodes whose
 * values it stores ({@code writes}), the values it reads from outside itself ({@code reads}), and the
 * instruction that does it. {@code priority} orders units that are ready at the same time.
 */
record Unit(int priority, int[] covers, int[] writes, int[] reads, Instruction instruction, String kind) {
}
