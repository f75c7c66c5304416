/**
 * Executing graphs. {@link dev.unfold.exec.Interpreter} is the reference semantics: it evaluates every
 * node in topological order and keeps every value. May import {@code tensor}, {@code kernel},
 * {@code op} and {@code graph}.
 */
package dev.unfold.exec;
