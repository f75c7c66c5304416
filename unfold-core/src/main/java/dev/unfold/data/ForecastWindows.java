package dev.unfold.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Series cut into forecasting windows: the window whose first forecast step is i reads the features of steps
 * {@code i − W … i − 1} and is scored on the target at steps {@code i … i + H − 1}. Each window keeps what the
 * two baselines forecast for it, in the series' own units: the last value before it (naive) and the value one
 * season of S steps before each forecast step (seasonal naive, S ≥ H).
 */
public final class ForecastWindows {
    private ForecastWindows() {
    }

    /** Window W, horizon H and season S (0: none). */
    public record Shape(int window, int horizon, int season) {
        public Shape {
            if (window < 1 || horizon < 1 || season < 0 || season > 0 && season < horizon) {
                throw new IllegalArgumentException("a forecast needs a window and a horizon of at least 1 step and a season of 0 or at least the horizon, got "
                        + window + ", " + horizon + " and " + season);
            }
        }
    }

    /** Windows as a file of per-sequence values, with each window's baseline forecasts (null without a season). */
    public record Windows(SequenceFile file, List<double[]> naive, List<double[]> seasonal) {
    }

    /** Which windows of a series to cut, by the step of their first forecast. */
    public enum Part {
        /** Every window with a full window of earlier steps and H steps to score. */
        ALL,
        /** Windows whose forecast steps all lie before the series' last share {@code f}. */
        TRAINING,
        /** Windows whose forecast steps all lie in the series' last share {@code f}. */
        VALIDATION
    }

    /** The windows of {@code part} of each series of {@code series} (steps as features, per-step values as the target). */
    public static Windows cut(SequenceFile series, Shape shape, Part part, double fraction) throws IOException {
        requireSeries(series);
        List<SequenceExample> out = new ArrayList<>();
        List<double[]> naive = new ArrayList<>();
        List<double[]> seasonal = new ArrayList<>();
        int w = shape.window();
        int h = shape.horizon();
        for (SequenceExample e : series.examples()) {
            double[][] x = ((SequenceExample.Vectors) e.steps()).x();
            double[][] ys = ((SequenceExample.Values) e.target()).ys();
            int n = x.length;
            int need = Math.max(w, shape.season()) + h;
            if (n < need) {
                throw new IOException(series.file() + ":" + e.line() + ": the series has " + n + " steps; a window of " + w + (shape.season() > w
                        ? " and a season of " + shape.season() : "") + " with a horizon of " + h + " needs at least " + need);
            }
            int first = Math.max(w, shape.season());
            int cut = first + (int) Math.floor((n - h - first + 1) * (1 - fraction));
            for (int i = first; i + h <= n; i++) {
                boolean keep = switch (part) {
                    case ALL -> true;
                    case TRAINING -> i + h - 1 < cut;
                    case VALIDATION -> i >= cut;
                };
                if (!keep) {
                    continue;
                }
                double[][] in = new double[w][];
                System.arraycopy(x, i - w, in, 0, w);
                double[] y = new double[h];
                double[] last = new double[h];
                double[] season = shape.season() > 0 ? new double[h] : null;
                for (int k = 0; k < h; k++) {
                    y[k] = ys[i + k][0];
                    last[k] = ys[i - 1][0];
                    if (season != null) {
                        season[k] = ys[i + k - shape.season()][0];
                    }
                }
                out.add(new SequenceExample(e.line(), new SequenceExample.Vectors(in), new SequenceExample.Value(y)));
                naive.add(last);
                seasonal.add(season);
            }
        }
        if (out.isEmpty()) {
            throw new IOException(series.file() + ": no " + (part == Part.ALL ? "" : part.name().toLowerCase(java.util.Locale.ROOT) + " ")
                    + "window of " + w + " steps and a horizon of " + h + " fits its series" + (part == Part.ALL ? "" : "; lengthen the series or change --val-fraction"));
        }
        return new Windows(new SequenceFile(series.file(), out, SequenceFile.InputKind.VECTORS, SequenceFile.TargetKind.VALUE, series.featureWidth(), h),
                naive, seasonal);
    }

    /** For each series, its last W steps: the window whose forecast is the H steps after the series ends. */
    public static SequenceFile future(SequenceFile series, Shape shape) throws IOException {
        if (series.input() != SequenceFile.InputKind.VECTORS) {
            throw new IOException(series.file() + ": a forecast reads vectors (\"x\", or CSV feature columns), not \"" + series.input().field() + "\"");
        }
        List<SequenceExample> out = new ArrayList<>();
        for (SequenceExample e : series.examples()) {
            double[][] x = ((SequenceExample.Vectors) e.steps()).x();
            if (x.length < shape.window()) {
                throw new IOException(series.file() + ":" + e.line() + ": the series has " + x.length + " steps, fewer than the window of " + shape.window());
            }
            double[][] in = new double[shape.window()][];
            System.arraycopy(x, x.length - shape.window(), in, 0, shape.window());
            out.add(new SequenceExample(e.line(), new SequenceExample.Vectors(in), new SequenceExample.None()));
        }
        return new SequenceFile(series.file(), out, SequenceFile.InputKind.VECTORS, SequenceFile.TargetKind.NONE, series.featureWidth(), 0);
    }

    private static void requireSeries(SequenceFile series) throws IOException {
        if (series.input() != SequenceFile.InputKind.VECTORS) {
            throw new IOException(series.file() + ": a forecast reads vectors (\"x\", or CSV feature columns), not \"" + series.input().field() + "\"");
        }
        if (series.target() != SequenceFile.TargetKind.VALUES) {
            throw new IOException(series.file() + ": a forecast needs a value per step (\"ys\", or a CSV target column)"
                    + (series.target() == SequenceFile.TargetKind.NONE ? ", and it has no targets" : ", and it has \"" + series.target().field() + "\""));
        }
        if (series.targetWidth() != 1) {
            throw new IOException(series.file() + ": a forecast's target is one value per step; it has " + series.targetWidth());
        }
    }
}
