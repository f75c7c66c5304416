package dev.unfold.op;

/**
 * What an op sees while it emits its vector-Jacobian product: its inputs and output as symbolic values,
 * the incoming gradient {@code g = dL/dy}, and a way to emit new nodes and to hand each input its share
 * of the gradient. Shares for the same input are summed by the caller.
 */
public interface VjpContext {
    Var input(int i);

    /** Whether the op has an input at position {@code i}. */
    boolean hasInput(int i);

    Var output();

    Var grad();

    /** Emits a node applying {@code op} to {@code args} and returns its value. */
    Var apply(Op op, Var... args);

    /** Adds {@code g} to the gradient of input {@code i}. */
    void accumulate(int i, Var g);
}
