/**
 * What lives on disk: checkpoints ({@link dev.unfold.store.Checkpointing}, with their checked
 * {@link dev.unfold.store.Manifest}), trained models ({@link dev.unfold.store.TrainedModel}) and a run's
 * metrics ({@link dev.unfold.store.MetricsLog}, {@link dev.unfold.store.MetricsHistory}). Every file is
 * written through a temporary file and a rename. May import {@code tensor}, {@code nn}, {@code io},
 * {@code optim}, {@code data} and {@code train}.
 */
package dev.unfold.store;
