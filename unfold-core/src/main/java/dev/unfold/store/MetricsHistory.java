package dev.unfold.store;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The curves of a run read back from its {@code metrics.jsonl}: points {update, seconds, value}. */
public record MetricsHistory(List<double[]> train, List<double[]> validation, String validationKey) {

    public static MetricsHistory read(Path dir) throws IOException {
        Path file = dir.resolve(MetricsLog.FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " holds no " + MetricsLog.FILE);
        }
        List<double[]> train = new ArrayList<>();
        List<double[]> val = new ArrayList<>();
        String key = "";
        double lastSeconds = 0;
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(line).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new IOException(file + ": a line is not a JSON object: " + line);
            }
            if (o.has("loss") && o.has("step")) {
                lastSeconds = o.has("seconds") ? o.get("seconds").getAsDouble() : lastSeconds;
                train.add(new double[] {o.get("step").getAsDouble(), lastSeconds, o.get("loss").getAsDouble()});
            }
            for (String k : o.keySet()) {
                if (k.startsWith("val_")) {
                    key = k.substring(4);
                    val.add(new double[] {o.get("step").getAsDouble(), lastSeconds, o.get(k).getAsDouble()});
                }
            }
        }
        return new MetricsHistory(train, val, key);
    }
}
