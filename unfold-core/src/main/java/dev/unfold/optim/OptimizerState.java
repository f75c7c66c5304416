package dev.unfold.optim;

import dev.unfold.nn.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.Map;

/** The saved state of an optimizer: its name, how many steps it took and its slot tensors. */
public record OptimizerState(String optimizer, long steps, Map<Slot, Tensor> slots) {
    /** One slot of one parameter: Adam's {@code exp_avg} of {@code weight_hh_l0}, say. */
    public record Slot(String name, Parameter parameter) {
    }

    public OptimizerState {
        slots = Map.copyOf(slots);
    }
}
