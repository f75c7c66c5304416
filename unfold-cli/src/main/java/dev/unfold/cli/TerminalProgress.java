package dev.unfold.cli;

import dev.unfold.run.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The progress bar of {@code train} and {@code demo} on standard error: redrawn in place on a terminal,
 * one line every few seconds when the output is a file or a pipe.
 */
final class TerminalProgress implements TrainingRun.Listener {
    private static final int WIDTH = 24;
    private static final double LINE_EVERY_SECONDS = 10;
    private final PrintWriter err;
    private final boolean interactive;
    private final String unit;
    private double lastLine = -LINE_EVERY_SECONDS;
    private boolean drawn;

    TerminalProgress(PrintWriter err, boolean interactive, String unit) {
        this.err = err;
        this.interactive = interactive;
        this.unit = unit;
    }

    @Override
    public void started(String description, long fromStep) {
        err.println(fromStep == 0 ? "training on " + description : "resuming on " + description + " at update " + fromStep);
        err.flush();
    }

    @Override
    public void progress(TrainingRun.Progress p) {
        String line = render(p);
        if (interactive) {
            err.print("\r" + line + "\u001b[K");
            drawn = true;
            err.flush();
        } else if (p.seconds() - lastLine >= LINE_EVERY_SECONDS) {
            err.println(line);
            lastLine = p.seconds();
            err.flush();
        }
    }

    @Override
    public void validated(long step, String metric, double value) {
        endLine();
        err.printf(Locale.ROOT, "validation at update %d: %s %.4f%n", step, metric, value);
        err.flush();
    }

    @Override
    public void checkpointed(long step, Path file) {
        if (!interactive) {
            err.printf(Locale.ROOT, "checkpoint at update %d: %s%n", step, file);
            err.flush();
        }
    }

    void endLine() {
        if (drawn) {
            err.println();
            drawn = false;
        }
    }

    private String render(TrainingRun.Progress p) {
        int filled = (int) Math.round(p.fraction() * WIDTH);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        String val = p.validation().isPresent() ? String.format(Locale.ROOT, " | val %.3f %s", p.validation().getAsDouble(), unit) : "";
        double eta = p.fraction() > 0 ? p.seconds() / p.fraction() - p.seconds() : Double.NaN;
        return String.format(Locale.ROOT, "[%s] %3.0f%% update %d | %,.0f tok/s | loss %.4f%s | ETA %s",
                bar, 100 * p.fraction(), p.step(), p.tokensPerSecond(), p.loss(), val, duration(eta));
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
