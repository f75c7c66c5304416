package dev.unfold.data;

import dev.unfold.nn.SequenceLengths;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * A batch of B sequences of equal length, read step by step. The recurrent state starts from zero at
 * step 0 and is carried through all later steps.
 */
public interface Episode {
    int length();

    /** The inputs of step t: token indices (B) or vectors (B, F). */
    Tensor input(int t);

    /** The targets of step t, if the loss looks at that step: class indices (B) or values (B, O). */
    Optional<Tensor> target(int t);

    /** Each row's sequence length, when rows are sequences of their own lengths padded after them; else every row fills all steps. */
    default Optional<SequenceLengths> lengths() {
        return Optional.empty();
    }

    /**
     * The weight of each row's loss at step t, (B, 1), for a model scored at every valid step of sequences of their
     * own lengths: a padded step weighs 0, a valid one 1 over the episode's valid steps, so the weighted sum over
     * the episode is the mean over its valid steps. Empty where every row's loss weighs the same.
     */
    default Optional<Tensor> weight(int t) {
        return Optional.empty();
    }
}
