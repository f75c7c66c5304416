package dev.unfold.nn;

/**
 * The regularisers of a recurrent model, each a probability in [0, 1):
 * <ul>
 * <li>{@code dropout}: non-recurrent dropout on the embedding's output, between stacked layers and before
 * the decoder, a new mask at every step (Zaremba, Sutskever and Vinyals 2014);
 * <li>{@code variational}: one mask per sequence and window on each layer's input and on its recurrent
 * state where the recurrent weights read it, the same at every step (Gal and Ghahramani 2016);
 * <li>{@code zoneout}: each unit of the carried state keeps its previous value with this probability at each
 * step, {@code s′ = m ⊙ s + (1 − m) ⊙ s̃}, and at evaluation the expectation {@code p s + (1 − p) s̃}
 * (Krueger et al. 2016).
 * </ul>
 * Dropout masks scale what they keep by {@code 1 / (1 − p)} (inverted dropout), so evaluation needs none.
 */
public record Regularization(double dropout, double variational, double zoneout) {
    public static final Regularization NONE = new Regularization(0, 0, 0);

    public Regularization {
        check("dropout", dropout);
        check("variational dropout", variational);
        check("zoneout", zoneout);
    }

    private static void check(String what, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(what + " must be a probability in [0, 1), got " + p);
        }
    }

    public boolean any() {
        return dropout > 0 || variational > 0 || zoneout > 0;
    }
}
