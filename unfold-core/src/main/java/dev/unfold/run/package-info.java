/**
 * Training as a whole: in memory for the library ({@link dev.unfold.run.Training}), or into a run folder
 * with metrics, validation, checkpoints and resume ({@link dev.unfold.run.TrainingRun}, from a
 * {@link dev.unfold.train.RunConfig} and the data it describes, {@link dev.unfold.run.RunData}). The top of the
 * library: may import every other package of it.
 */
package dev.unfold.run;
