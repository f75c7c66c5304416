package dev.unfold.cli;

import dev.unfold.store.MetricsHistory;
import dev.unfold.viz.LossChart;
import java.util.List;

/** Loss charts of a run against updates or seconds; text losses in bits per character. */
final class LossCharts {
    private LossCharts() {
    }

    enum Axis { UPDATES, SECONDS }

    static LossChart of(MetricsHistory h, Axis axis) {
        boolean text = h.validationKey().equals("bits_per_char") || h.validationKey().isEmpty();
        double scale = h.validationKey().equals("bits_per_char") ? 1 / Math.log(2) : 1;
        int x = axis == Axis.UPDATES ? 0 : 1;
        List<double[]> train = h.train().stream().map(p -> new double[] {p[x], p[2] * scale}).toList();
        List<double[]> val = h.validation().stream().map(p -> new double[] {p[x], p[2]}).toList();
        String y = h.validationKey().equals("bits_per_char") ? "bits per character" : text ? "loss" : h.validationKey().replace('_', ' ');
        return new LossChart(train, val, axis == Axis.UPDATES ? "update" : "seconds of training", y);
    }
}
