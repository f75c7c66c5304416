package dev.unfold.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.unfold.io.SafeText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The curves of a run read back from its {@code metrics.jsonl}: points {update, seconds, value}, and the
 * validation point of the model the run keeps (its best). Lines that are not what a run writes are refused
 * with their line number; event lines (a divergence, an early stop) are skipped. A validation line's first {@code val_} field is the
 * score the run keeps its best by; the task metrics after it are not curves here.
 */
public record MetricsHistory(List<double[]> train, List<double[]> validation, String validationKey, java.util.Optional<double[]> kept) {

    public static MetricsHistory read(Path dir) throws IOException {
        Path file = dir.resolve(MetricsLog.FILE);
        if (!Files.exists(file)) {
            throw new IOException(dir + " holds no " + MetricsLog.FILE);
        }
        List<String> lines = MetricsLog.lines(file);
        List<double[]> train = new ArrayList<>();
        List<double[]> val = new ArrayList<>();
        String key = "";
        double lastSeconds = 0;
        double[] kept = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = object(file, i + 1, line);
            if (o.has("event")) {
                continue;
            }
            double step = number(file, i + 1, o, "step");
            if (o.has("loss")) {
                lastSeconds = o.has("seconds") ? number(file, i + 1, o, "seconds") : lastSeconds;
                train.add(new double[] {step, lastSeconds, number(file, i + 1, o, "loss")});
            }
            for (String k : o.keySet()) {
                if (k.startsWith("val_")) {
                    key = k.substring(4);
                    val.add(new double[] {step, lastSeconds, number(file, i + 1, o, k)});
                    if (o.has("best")) {
                        kept = val.get(val.size() - 1);
                    }
                    break;
                }
            }
        }
        return new MetricsHistory(train, val, key, java.util.Optional.ofNullable(kept));
    }

    private static JsonObject object(Path file, int lineNumber, String line) throws IOException {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (RuntimeException e) {
            // reported below, as a line that is not an object
        }
        throw new IOException(file + " line " + lineNumber + " is not a JSON object: " + SafeText.clip(line));
    }

    private static double number(Path file, int lineNumber, JsonObject o, String key) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IOException(file + " line " + lineNumber + ": '" + SafeText.clip(key) + "' is " + (e == null ? "missing" : "not a number: "
                    + SafeText.clip(e.toString())));
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v)) {
            throw new IOException(file + " line " + lineNumber + ": '" + SafeText.clip(key) + "' is not finite");
        }
        return v;
    }
}
