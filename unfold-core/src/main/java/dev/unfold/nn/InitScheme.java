package dev.unfold.nn;

import dev.unfold.graph.Role;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Random;

/**
 * How a whole model is initialised. {@code PYTORCH}: each parameter's own default (uniform ±1/√H for
 * recurrent layers). {@code XAVIER}: weights uniform ±√(6 / (fan_in + fan_out)) (Glorot &amp; Bengio 2010),
 * biases zero. {@code ORTHOGONAL}: as Xavier, but each H×H gate block of a hidden-to-hidden weight is a random
 * orthogonal matrix (Saxe et al. 2014), so the recurrent Jacobian starts with all singular values 1.
 * Embeddings keep their default in every scheme.
 */
public enum InitScheme {
    PYTORCH, XAVIER, ORTHOGONAL;

    /** The first value of {@code p}. */
    public Tensor initialize(Parameter p, DType dtype, Random rng) {
        if (this == PYTORCH || p.part() == Role.Part.EMBEDDING) {
            return p.init().create(p.shape(), dtype, rng);
        }
        if (p.shape().rank() == 1) {
            return Tensor.zeros(dtype, p.shape());
        }
        if (this == ORTHOGONAL && p.part() == Role.Part.HIDDEN_WEIGHT) {
            return orthogonalBlocks(p.shape(), dtype, rng);
        }
        int fanOut = p.shape().dim(0);
        int fanIn = p.shape().dim(1);
        double bound = Math.sqrt(6.0 / (fanIn + fanOut));
        return Tensor.uniform(dtype, p.shape(), -bound, bound, rng);
    }

    /** A (G·H, H) matrix whose G row blocks are each an orthogonal H×H matrix. */
    static Tensor orthogonalBlocks(Shape shape, DType dtype, Random rng) {
        int h = shape.dim(1);
        int blocks = shape.dim(0) / h;
        double[] out = new double[shape.size()];
        for (int g = 0; g < blocks; g++) {
            double[][] q = orthogonal(h, rng);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < h; c++) {
                    out[(g * h + r) * h + c] = q[r][c];
                }
            }
        }
        return Tensor.generate(dtype, shape, i -> out[i]);
    }

    /** Q of the QR factorisation of a Gaussian matrix, by modified Gram-Schmidt on its columns. */
    static double[][] orthogonal(int n, Random rng) {
        double[][] cols = new double[n][n];
        for (double[] c : cols) {
            for (int i = 0; i < n; i++) {
                c[i] = rng.nextGaussian();
            }
        }
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += cols[j][i] * cols[k][i];
                }
                for (int i = 0; i < n; i++) {
                    cols[j][i] -= dot * cols[k][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += cols[j][i] * cols[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                cols[j][i] /= norm;
            }
        }
        double[][] q = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                q[r][c] = cols[c][r];
            }
        }
        return q;
    }
}
