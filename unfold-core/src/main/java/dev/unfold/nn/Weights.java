package dev.unfold.nn;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a model's parameters, by {@link Parameter} handle, in the model's order. Immutable: an
 * update makes new weights. Names appear only where weights meet a file ({@link #byName}, {@link #fromNames}).
 */
public final class Weights {
    private final Map<Parameter, Tensor> values;

    private Weights(Map<Parameter, Tensor> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Weights holding {@code values}; each tensor must have its parameter's shape. */
    public static Weights of(Map<Parameter, Tensor> values) {
        Map<Parameter, Tensor> copy = new LinkedHashMap<>();
        values.forEach((p, t) -> copy.put(p, checked(p, t)));
        return new Weights(copy);
    }

    /** Fresh values for {@code params}, drawn in order from one generator seeded with {@code seed}. */
    public static Weights initial(List<Parameter> params, InitScheme scheme, long seed, DType dtype) {
        Rng rng = new Rng(seed);
        Map<Parameter, Tensor> v = new LinkedHashMap<>();
        for (Parameter p : params) {
            v.put(p, scheme.initialize(p, dtype, rng));
        }
        return new Weights(v);
    }

    /**
     * The values of {@code params} from tensors named as the parameters are: every parameter present and of
     * its shape, no tensor left over. Problems name the tensor.
     */
    public static Weights fromNames(List<Parameter> params, Map<String, Tensor> named) {
        Map<Parameter, Tensor> v = new LinkedHashMap<>();
        for (Parameter p : params) {
            Tensor t = named.get(p.name());
            if (t == null) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is missing");
            }
            v.put(p, checked(p, t));
        }
        if (named.size() != params.size()) {
            List<String> extra = new ArrayList<>(named.keySet());
            params.forEach(p -> extra.remove(p.name()));
            throw new IllegalArgumentException("unexpected parameter" + (extra.size() == 1 ? " '" + extra.get(0) + "'" : "s " + extra));
        }
        return new Weights(v);
    }

    public List<Parameter> parameters() {
        return List.copyOf(values.keySet());
    }

    public Tensor get(Parameter p) {
        Tensor t = values.get(p);
        if (t == null) {
            throw new IllegalArgumentException("no value for parameter '" + p.name() + "'");
        }
        return t;
    }

    public boolean has(Parameter p) {
        return values.containsKey(p);
    }

    /** These weights with {@code p} set to {@code t}. */
    public Weights with(Parameter p, Tensor t) {
        Map<Parameter, Tensor> v = new LinkedHashMap<>(values);
        v.put(p, checked(p, t));
        return new Weights(v);
    }

    /** The same weights in {@code dtype}. */
    public Weights to(DType dtype) {
        Map<Parameter, Tensor> v = new LinkedHashMap<>();
        values.forEach((p, t) -> v.put(p, t.to(dtype)));
        return new Weights(v);
    }

    /** The values by handle, in order. */
    public Map<Parameter, Tensor> values() {
        return values;
    }

    /** The values by PyTorch name, in order: what a state dict or a checkpoint holds. */
    public Map<String, Tensor> byName() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        values.forEach((p, t) -> out.put(p.name(), t));
        return out;
    }

    private static Tensor checked(Parameter p, Tensor t) {
        if (!t.shape().equals(p.shape())) {
            throw new IllegalArgumentException("parameter '" + p.name() + "' must have shape " + p.shape() + ", got " + t.shape());
        }
        return t;
    }
}
