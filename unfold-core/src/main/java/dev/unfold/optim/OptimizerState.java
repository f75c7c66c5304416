package dev.unfold.optim;

import dev.unfold.tensor.Tensor;
import java.util.Map;

/** The saved state of an optimizer: how many steps it took and its slot tensors. */
public record OptimizerState(String optimizer, long steps, Map<String, Tensor> slots) {
    public OptimizerState {
        slots = Map.copyOf(slots);
    }
}
