package dev.unfold.eval;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.Standardization;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowGraphs;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-sequence model on every sequence of a data file, in batches of sequences of similar lengths: its
 * prediction for each (a class with the probabilities of all classes, or values in the data's own units) and,
 * when the file has targets, the task's scores. A sequence whose class the model never saw is predicted and
 * counted, not scored.
 */
public final class DatasetEvaluation {
    private final RecurrentModel model;
    private final WindowRunner runner;
    private final DType dtype;
    private final int batch;
    private final Map<Integer, WindowGraphs> graphs = new HashMap<>();

    public DatasetEvaluation(RecurrentModel model, WindowRunner runner, DType dtype, int batch) {
        this.model = model;
        this.runner = runner;
        this.dtype = dtype;
        this.batch = batch;
    }

    /**
     * One sequence's prediction: a class index and every class's probability, or values in the data's units; for a
     * model scored at every step, each valid step's class ({@code steps}), its probability ({@code confidence}),
     * and the probability given to the step's actual class ({@code actual}, NaN where it is unknown), and for a
     * class per step every class's probability at each step.
     */
    public record Prediction(int row, int label, double[] probabilities, double[] values, int[] steps, double[] confidence, double[] actual,
            double[][] stepProbabilities) {
        Prediction(int row, int label, double[] probabilities, double[] values) {
            this(row, label, probabilities, values, null, null, null, null);
        }
    }

    /**
     * Scores over the sequences that have a known target: the mean loss (cross-entropy in nats, or the mean
     * squared error of standardised values) and the task's metrics, the main one last; the confusion matrix
     * {@code confusion[actual][predicted]} of a classifier.
     */
    public record Scores(int scored, int unknownClasses, double loss, Map<String, Double> metrics, long[][] confusion) {
        public double main(SequenceTask task, dev.unfold.data.SequenceFile.InputKind input) {
            return metrics.get(task.mainMetric(input));
        }
    }

    /** The whole result: a prediction per sequence, in the file's order, and the scores when it has targets. */
    public record Result(List<Prediction> predictions, java.util.Optional<Scores> scores) {
    }

    public Result run(Weights weights, EncodedSequences data) {
        Integer[] order = new Integer[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(data.row(a).length(), data.row(b).length()));
        Prediction[] out = new Prediction[data.size()];
        for (int from = 0; from < order.length; from += batch) {
            int[] rows = Arrays.stream(order, from, Math.min(order.length, from + batch)).mapToInt(Integer::intValue).toArray();
            EncodedSequences.Padded episode = data.batch(rows, dtype);
            WindowGraph window = graphs.computeIfAbsent(rows.length, n -> new WindowGraphs(model, n, dtype))
                    .get(new boolean[episode.length()], WindowGraph.Mode.FORWARD);
            WindowRun run = runner.run(window, weights, episode, 0, window.zeroState(), WindowRunner.Keep.lastState(window).withOutputs());
            if (data.tables().task().perStep()) {
                for (int b = 0; b < rows.length; b++) {
                    out[rows[b]] = predictSteps(data, rows[b], run, b);
                }
                continue;
            }
            Tensor y = run.output(episode.length() - 1);
            for (int b = 0; b < rows.length; b++) {
                out[rows[b]] = predict(data, rows[b], y, b);
            }
        }
        List<Prediction> predictions = List.of(out);
        return new Result(predictions, data.hasTargets() ? java.util.Optional.of(score(data, predictions)) : java.util.Optional.empty());
    }

    private static Prediction predictSteps(EncodedSequences data, int row, WindowRun run, int b) {
        EncodedSequences.Row r = data.row(row);
        int n = r.length();
        int[] steps = new int[n];
        double[] confidence = new double[n];
        double[] actual = new double[n];
        boolean all = data.tables().task() == SequenceTask.LABEL;
        double[][] every = all ? new double[n][] : null;
        for (int t = 0; t < n; t++) {
            Tensor y = run.output(t);
            int width = y.shape().dim(1);
            double[] p = softmax(y, b, width);
            int best = argmax(p);
            steps[t] = best;
            confidence[t] = p[best];
            int truth = r.labels() == null ? EncodedSequences.UNKNOWN_CLASS : r.labels()[t];
            actual[t] = truth == EncodedSequences.UNKNOWN_CLASS ? Double.NaN : p[truth];
            if (all) {
                every[t] = p;
            }
        }
        return new Prediction(row, -1, null, null, steps, confidence, actual, every);
    }

    private static double[] softmax(Tensor y, int b, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < width; i++) {
            max = Math.max(max, y.get(b * width + i));
        }
        double sum = 0;
        double[] p = new double[width];
        for (int i = 0; i < width; i++) {
            p[i] = Math.exp(y.get(b * width + i) - max);
            sum += p[i];
        }
        for (int i = 0; i < width; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static Prediction predict(EncodedSequences data, int row, Tensor y, int b) {
        int width = y.shape().dim(1);
        if (data.tables().task() == SequenceTask.CLASSIFY) {
            double[] p = softmax(y, b, width);
            return new Prediction(row, argmax(p), p, null);
        }
        double[] v = new double[width];
        for (int i = 0; i < width; i++) {
            v[i] = y.get(b * width + i);
        }
        return new Prediction(row, -1, null, data.tables().targets().orElseThrow().invert(v));
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            best = p[i] > p[best] ? i : best;
        }
        return best;
    }

    private static Scores score(EncodedSequences data, List<Prediction> predictions) {
        return switch (data.tables().task()) {
            case CLASSIFY -> classification(data, predictions);
            case LABEL, LM -> perStep(data, predictions);
            case REGRESS, FORECAST -> regression(data, predictions);
        };
    }

    /** Scores over every valid step of a known class: cross-entropy, accuracy, and for a class per step each class's F1 and the confusion matrix. */
    private static Scores perStep(EncodedSequences data, List<Prediction> predictions) {
        boolean label = data.tables().task() == SequenceTask.LABEL;
        int classes = data.tables().outputSize();
        long[][] confusion = label ? new long[classes][classes] : new long[0][0];
        double loss = 0;
        long scored = 0;
        long correct = 0;
        for (Prediction p : predictions) {
            int[] truth = data.row(p.row()).labels();
            for (int t = 0; t < truth.length; t++) {
                if (truth[t] == EncodedSequences.UNKNOWN_CLASS) {
                    continue;
                }
                scored++;
                loss -= Math.log(Math.max(p.actual()[t], Double.MIN_NORMAL));
                correct += p.steps()[t] == truth[t] ? 1 : 0;
                if (label) {
                    confusion[truth[t]][p.steps()[t]]++;
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        double ce = scored == 0 ? Double.NaN : loss / scored;
        m.put("cross_entropy", ce);
        if (label) {
            double[] f1 = classF1(confusion);
            for (int c = 0; c < classes; c++) {
                if (!Double.isNaN(f1[c])) {
                    m.put("f1_" + data.tables().classes().orElseThrow().name(c), f1[c]);
                }
            }
            m.put("macro_f1", macro(f1));
            m.put("accuracy", scored == 0 ? Double.NaN : (double) correct / scored);
        } else {
            m.put("accuracy", scored == 0 ? Double.NaN : (double) correct / scored);
            m.put(SequenceTask.LM.mainMetric(data.tables().input()), ce / Math.log(2));
        }
        return new Scores((int) Math.min(Integer.MAX_VALUE, scored), data.unknownClasses(), ce, m, confusion);
    }

    private static Scores classification(EncodedSequences data, List<Prediction> predictions) {
        int classes = data.tables().classes().orElseThrow().size();
        long[][] confusion = new long[classes][classes];
        double loss = 0;
        int scored = 0;
        for (Prediction p : predictions) {
            int actual = data.row(p.row()).label();
            if (actual == EncodedSequences.UNKNOWN_CLASS) {
                continue;
            }
            confusion[actual][p.label()]++;
            loss -= Math.log(Math.max(p.probabilities()[actual], Double.MIN_NORMAL));
            scored++;
        }
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += confusion[c][c];
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("cross_entropy", scored == 0 ? Double.NaN : loss / scored);
        m.put("macro_f1", macro(classF1(confusion)));
        m.put("accuracy", scored == 0 ? Double.NaN : (double) correct / scored);
        return new Scores(scored, data.unknownClasses(), scored == 0 ? Double.NaN : loss / scored, m, confusion);
    }

    /** Each class's F1 from a confusion matrix (rows actual, columns predicted): 2·TP / (actual + predicted), NaN for a class neither seen nor predicted. */
    private static double[] classF1(long[][] confusion) {
        double[] f1 = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long actual = Arrays.stream(confusion[c]).sum();
            long predicted = 0;
            for (long[] r : confusion) {
                predicted += r[c];
            }
            f1[c] = actual + predicted == 0 ? Double.NaN : 2.0 * confusion[c][c] / (actual + predicted);
        }
        return f1;
    }

    /** The mean of the classes' F1 that are defined, NaN when none is. */
    private static double macro(double[] f1) {
        return Arrays.stream(f1).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    private static Scores regression(EncodedSequences data, List<Prediction> predictions) {
        Standardization z = data.tables().targets().orElseThrow();
        int width = z.width();
        double se = 0;
        double ae = 0;
        double standardized = 0;
        double[] mean = new double[width];
        List<double[]> actuals = new ArrayList<>();
        for (Prediction p : predictions) {
            double[] actual = z.invert(data.row(p.row()).y());
            actuals.add(actual);
            for (int i = 0; i < width; i++) {
                double d = p.values()[i] - actual[i];
                se += d * d;
                ae += Math.abs(d);
                double ds = d / z.std()[i];
                standardized += ds * ds;
                mean[i] += actual[i] / predictions.size();
            }
        }
        double total = 0;
        for (double[] a : actuals) {
            for (int i = 0; i < width; i++) {
                total += (a[i] - mean[i]) * (a[i] - mean[i]);
            }
        }
        double n = (double) predictions.size() * width;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mae", ae / n);
        m.put("r2", total > 0 ? 1 - se / total : Double.NaN);
        m.put("mse", se / n);
        return new Scores(predictions.size(), 0, standardized / n, m, new long[0][0]);
    }
}
