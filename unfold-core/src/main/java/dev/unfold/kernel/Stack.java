package dev.unfold.kernel;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Splitting a tensor along its first axis into its entries, and stacking entries back. */
public final class Stack {
    private Stack() {
    }

    /** The entries {@code x[0], x[1], ...} of the first axis, each of shape {@code x.shape[1:]}. */
    public static List<Tensor> unstack(Tensor x) {
        Shape s = x.shape();
        int[] dims = s.dims();
        Shape entry = Shape.of(java.util.Arrays.copyOfRange(dims, 1, dims.length));
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < s.dim(0); i++) {
            out.add(Layout.slice(x, 0, i, i + 1).reshape(entry));
        }
        return out;
    }

    /** The tensors of equal shape stacked along a new first axis. */
    public static Tensor stack(List<Tensor> parts) {
        int[] dims = parts.get(0).shape().dims();
        int[] withOne = new int[dims.length + 1];
        withOne[0] = 1;
        System.arraycopy(dims, 0, withOne, 1, dims.length);
        Shape one = Shape.of(withOne);
        List<Tensor> lifted = parts.stream().map(t -> t.reshape(one)).toList();
        return Layout.concat(lifted, 0, one.with(0, parts.size()));
    }
}
