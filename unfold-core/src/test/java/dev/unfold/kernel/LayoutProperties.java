package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Slice, pad and concatenation as block copies agree with their definition element by element, on every axis. */
class LayoutProperties {
    @Property(tries = 200, seed = "20261202")
    void slicePadAndConcatPlaceEveryElementByIndex(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll @IntRange(min = 0, max = 3) int axisDraw,
            @ForAll boolean single, @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        Random rng = new Random(seed);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = 1 + rng.nextInt(4);
        }
        int axis = axisDraw % rank;
        DType dtype = single ? DType.F32 : DType.F64;
        Shape shape = Shape.of(dims);
        Tensor x = Tensor.generate(dtype, shape, i -> rng.nextGaussian());
        int dim = dims[axis];
        int start = rng.nextInt(dim);
        int end = start + 1 + rng.nextInt(dim - start);

        Tensor sliced = Layout.slice(x, axis, start, end);
        assertEquals(shape.with(axis, end - start), sliced.shape());
        assertSame(expected(sliced.shape(), axis, idx -> x.get(flat(shape, withAxis(idx, axis, idx[axis] + start)))), sliced);

        int before = rng.nextInt(3);
        int total = dim + before + rng.nextInt(3);
        Tensor padded = Layout.pad(x, axis, before, total);
        assertSame(expected(shape.with(axis, total), axis, idx -> {
            int pos = idx[axis] - before;
            return pos >= 0 && pos < dim ? x.get(flat(shape, withAxis(idx, axis, pos))) : 0.0;
        }), padded);

        List<Tensor> parts = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int length = 0;
        for (int p = 0, count = 1 + rng.nextInt(3); p < count; p++) {
            int len = 1 + rng.nextInt(3);
            Shape ps = shape.with(axis, len);
            parts.add(Tensor.generate(dtype, ps, i -> rng.nextGaussian()));
            offsets.add(length);
            length += len;
        }
        int concatenated = length;
        Tensor joined = Layout.concat(parts, axis, shape.with(axis, concatenated));
        assertSame(expected(shape.with(axis, concatenated), axis, idx -> {
            int p = 0;
            while (p + 1 < parts.size() && offsets.get(p + 1) <= idx[axis]) {
                p++;
            }
            Tensor part = parts.get(p);
            return part.get(flat(part.shape(), withAxis(idx, axis, idx[axis] - offsets.get(p))));
        }), joined);
    }

    private interface ByIndex {
        double at(int[] index);
    }

    private static Tensor expected(Shape shape, int axis, ByIndex f) {
        return Tensor.generate(DType.F64, shape, i -> f.at(unflat(shape, i)));
    }

    private static void assertSame(Tensor want, Tensor got) {
        assertEquals(want.shape(), got.shape());
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray());
    }

    private static int[] withAxis(int[] index, int axis, int value) {
        int[] out = index.clone();
        out[axis] = value;
        return out;
    }

    private static int[] unflat(Shape s, int i) {
        int[] idx = new int[s.rank()];
        for (int a = s.rank() - 1; a >= 0; a--) {
            idx[a] = i % s.dim(a);
            i /= s.dim(a);
        }
        return idx;
    }

    private static int flat(Shape s, int[] idx) {
        int i = 0;
        for (int a = 0; a < s.rank(); a++) {
            i = i * s.dim(a) + idx[a];
        }
        return i;
    }
}
