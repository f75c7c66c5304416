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
 * {@code CHRONO}: PyTorch's defaults, and for an LSTM chrono initialisation (Tallec and Ollivier 2018, "Can
 * recurrent neural networks warp time?"): each unit's forget-gate bias log u with u uniform in [1, T_max − 1] and
 * its input-gate bias −log u, so that the units start remembering over the whole range of time scales up to T_max,
 * the training window ({@link #chrono}). Embeddings keep their default in every scheme.
 */
public enum InitScheme {
    PYTORCH, XAVIER, ORTHOGONAL, CHRONO;

    /** The first value of {@code p} (for CHRONO, PyTorch's: {@link #chrono} then sets an LSTM's gate biases). */
    public Tensor initialize(Parameter p, DType dtype, Random rng) {
        if (this == PYTORCH || this == CHRONO || p.part() == Role.Part.EMBEDDING) {
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

    /**
     * {@code w} with every LSTM layer's gate biases set by chrono initialisation for time scales up to {@code tMax}:
     * in PyTorch's gate order i, f, g, o, {@code bias_ih} holds −log u on the input gate and log u on the forget gate,
     * u uniform in [1, tMax − 1] per unit, and {@code bias_hh} zeros there. Other cells' and parameters' values are kept.
     */
    public static Weights chrono(Weights w, int tMax, Random rng) {
        double top = Math.max(1, tMax - 1);
        Weights out = w;
        for (Parameter p : w.parameters()) {
            if (!p.name().startsWith("bias_ih_l")) {
                continue;
            }
            Parameter hh = w.parameters().stream().filter(q -> q.name().equals("bias_hh" + p.name().substring("bias_ih".length()))).findFirst().orElse(null);
            Parameter weight = w.parameters().stream().filter(q -> q.name().equals("weight_hh" + p.name().substring("bias_ih".length()))).findFirst()
                    .orElse(null);
            if (hh == null || weight == null || weight.shape().dim(0) != 4 * weight.shape().dim(1)) {
                continue;
            }
            int h = weight.shape().dim(1);
            double[] bih = w.get(p).toDoubleArray();
            double[] bhh = w.get(hh).toDoubleArray();
            for (int j = 0; j < h; j++) {
                double logU = Math.log(1 + rng.nextDouble() * (top - 1));
                bih[j] = -logU;
                bih[h + j] = logU;
                bhh[j] = 0;
                bhh[h + j] = 0;
            }
            DType dtype = w.get(p).dtype();
            out = out.with(p, Tensor.generate(dtype, p.shape(), i -> bih[i])).with(hh, Tensor.generate(dtype, hh.shape(), i -> bhh[i]));
        }
        return out;
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
