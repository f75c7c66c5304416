package dev.unfold.cli;

import dev.unfold.store.Checkpointing;
import dev.unfold.store.MetricsHistory;
import dev.unfold.viz.LossChart;
import java.util.List;

/** Loss charts of a run against updates or seconds; text losses in bits per character. */
final class LossCharts {
    private LossCharts() {
    }

    enum Axis { UPDATES, SECONDS }

    /** The chart, marking the best validation: the model a run folder gives by default. */
    static LossChart of(MetricsHistory h, Axis axis) {
        return of(h, axis, Checkpointing.Choice.BEST);
    }

    /** The chart, marking the validation of the checkpoint {@code which} names. */
    static LossChart of(MetricsHistory h, Axis axis, Checkpointing.Choice which) {
        boolean text = h.validationKey().equals("bits_per_char") || h.validationKey().isEmpty();
        double scale = h.validationKey().equals("bits_per_char") ? 1 / Math.log(2) : 1;
        int x = axis == Axis.UPDATES ? 0 : 1;
        List<double[]> train = h.train().stream().map(p -> new double[] {p[x], p[2] * scale}).toList();
        List<double[]> val = h.validation().stream().map(p -> new double[] {p[x], p[2]}).toList();
        String y = h.validationKey().equals("bits_per_char") ? "bits per character" : text ? "loss" : h.validationKey().replace('_', ' ');
        LossChart chart = new LossChart(train, val, axis == Axis.UPDATES ? "update" : "seconds of training", y);
        kept(h, which).ifPresent(k -> chart.marking(new double[] {k[x], k[2]}, String.format(java.util.Locale.ROOT, "%s: update %d, %.3f",
                which == Checkpointing.Choice.BEST ? "best" : "last", (long) k[0], k[2])));
        return chart;
    }

    /** The validation point {update, seconds, value} of the checkpoint {@code which} names, if it was validated. */
    static java.util.Optional<double[]> kept(MetricsHistory h, Checkpointing.Choice which) {
        if (which == Checkpointing.Choice.BEST) {
            return h.kept();
        }
        return h.validation().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(h.validation().get(h.validation().size() - 1));
    }
}
