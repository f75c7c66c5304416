package dev.unfold.onnx;

import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.Map;

/**
 * PyTorch's gate blocks (Unfold's parameters) in ONNX's order. A weight of G gate blocks, each H rows, has its
 * blocks taken in the order {@link #order}: for an LSTM PyTorch's i, f, g, o become ONNX's i, o, f, c; for a GRU
 * r, z, n become z, r, h; an Elman cell has one block.
 */
final class GateOrder {
    private GateOrder() {
    }

    static int gates(CellType cell) {
        return order(cell).length;
    }

    /** For each of ONNX's blocks, the PyTorch block it is. */
    static int[] order(CellType cell) {
        return switch (cell) {
            case LSTM -> new int[] {0, 3, 1, 2};
            case GRU -> new int[] {1, 0, 2};
            default -> new int[] {0};
        };
    }

    /** ONNX's W or R, [D, G·H, X]: parameter {@code base} ({@code weight_ih} or {@code weight_hh}) of each direction of layer {@code l}, reordered. */
    static float[] stack(CellType cell, Map<String, Tensor> weights, String base, int layer, int directions) {
        Tensor first = weights.get(base + RecurrentSpec.suffix(layer, 0));
        int size = first.size();
        float[] out = new float[directions * size];
        for (int d = 0; d < directions; d++) {
            float[] w = reordered(cell, weights.get(base + RecurrentSpec.suffix(layer, d)));
            System.arraycopy(w, 0, out, d * size, size);
        }
        return out;
    }

    /** ONNX's B, [D, 2·G·H]: each direction's reordered {@code bias_ih} followed by its reordered {@code bias_hh}. */
    static float[] biases(CellType cell, Map<String, Tensor> weights, int layer, int directions) {
        int size = weights.get("bias_ih" + RecurrentSpec.suffix(layer, 0)).size();
        float[] out = new float[directions * 2 * size];
        for (int d = 0; d < directions; d++) {
            String suffix = RecurrentSpec.suffix(layer, d);
            System.arraycopy(reordered(cell, weights.get("bias_ih" + suffix)), 0, out, (2 * d) * size, size);
            System.arraycopy(reordered(cell, weights.get("bias_hh" + suffix)), 0, out, (2 * d + 1) * size, size);
        }
        return out;
    }

    /** A weight [G·H, X] or bias [G·H] with its gate blocks in ONNX's order. */
    static float[] reordered(CellType cell, Tensor t) {
        int[] order = order(cell);
        float[] v = values(t);
        int block = v.length / order.length;
        float[] out = new float[v.length];
        for (int k = 0; k < order.length; k++) {
            System.arraycopy(v, order[k] * block, out, k * block, block);
        }
        return out;
    }

    /** A tensor's values in float32. */
    static float[] values(Tensor t) {
        return t.to(DType.F32).f32();
    }

    /** A matrix [R, C] as [C, R]. */
    static float[] transposed(Tensor m) {
        int rows = m.shape().dim(0);
        int cols = m.shape().dim(1);
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = (float) m.get(r * cols + c);
            }
        }
        return out;
    }
}
