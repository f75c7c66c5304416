/**
 * The primitive vocabulary. One small record per op declares its shape rule, its forward (through a
 * kernel) and its vector-Jacobian product, which emits nodes of this same vocabulary through a
 * {@link dev.unfold.op.VjpContext}. May import {@code tensor} and {@code kernel}.
 */
package dev.unfold.op;
