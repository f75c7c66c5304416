/**
 * Where training data comes from: a {@link dev.unfold.data.SequenceSource} gives
 * {@link dev.unfold.data.Episode}s, batches of sequences read step by step. A text's streams
 * ({@link dev.unfold.data.TextStreams}), a series' windows ({@link dev.unfold.data.SeriesStreams}) and the
 * generated long-memory tasks ({@link dev.unfold.data.TaskKind}). May import {@code tensor}, {@code nn} and {@code io}.
 */
package dev.unfold.data;
