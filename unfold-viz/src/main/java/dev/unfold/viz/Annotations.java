package dev.unfold.viz;

import dev.unfold.graph.Role;
import java.util.List;
import java.util.Map;

/**
 * What an execution adds to a drawing, per layer row (by layer and direction) and step: the state's values
 * for the heat strip (at most {@link #STRIP} units), {@code ||dL/dh_t||}, and {@code ||dh_T/dh_t||}; per
 * node id, value statistics (min, max, mean, std) for hover. Empty maps draw nothing.
 */
public record Annotations(String caption, Map<Role.Layer, List<float[]>> states, Map<Role.Layer, double[]> gradientNorms,
        Map<Role.Layer, double[]> jacobianNorms, Map<Integer, double[]> stats) {
    /** Units of a state shown in its heat strip. */
    public static final int STRIP = 48;

    public static Annotations none() {
        return new Annotations("", Map.of(), Map.of(), Map.of(), Map.of());
    }
}
