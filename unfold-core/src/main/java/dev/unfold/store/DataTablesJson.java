package dev.unfold.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.unfold.data.CsvSequences;
import dev.unfold.data.DataTables;
import dev.unfold.data.ForecastWindows;
import dev.unfold.data.SequenceFile;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.Standardization;
import dev.unfold.data.SymbolTable;
import dev.unfold.train.DataSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A model's data tables and a data run's data, as a checkpoint's manifest holds them. */
public final class DataTablesJson {
    private DataTablesJson() {
    }

    /** The tables as the manifest's {@code tables} field holds them, as JSON text: what an exported model carries in its metadata. */
    public static String json(DataTables t) {
        return write(t).toString();
    }

    static JsonObject write(DataTables t) {
        JsonObject o = new JsonObject();
        o.addProperty("input", JsonFields.name(t.input()));
        o.addProperty("task", t.task().id());
        t.symbols().ifPresent(s -> o.add("symbols", strings(s.names())));
        t.classes().ifPresent(c -> o.add("classes", strings(c.names())));
        t.features().ifPresent(z -> o.add("features", standardization(z)));
        t.targets().ifPresent(z -> o.add("targets", standardization(z)));
        t.forecast().ifPresent(f -> o.add("forecast", shape(f)));
        return o;
    }

    static DataTables read(JsonFields f) {
        SequenceFile.InputKind input = f.choice("input", SequenceFile.InputKind.class);
        SequenceTask task = f.choice("task", SequenceTask.class);
        try {
            return new DataTables(input, task,
                    f.has("symbols") ? Optional.of(SymbolTable.fromNames(strings(f.array("symbols"), "tables.symbols"), true)) : Optional.empty(),
                    f.has("classes") ? Optional.of(SymbolTable.fromNames(strings(f.array("classes"), "tables.classes"), false)) : Optional.empty(),
                    f.has("features") ? Optional.of(standardization(f.object("features"), "tables.features")) : Optional.empty(),
                    f.has("targets") ? Optional.of(standardization(f.object("targets"), "tables.targets")) : Optional.empty(),
                    f.has("forecast") ? Optional.of(shape(f.object("forecast"))) : Optional.empty());
        } catch (IllegalArgumentException e) {
            throw new JsonFields.Problem("field 'tables' does not describe a model's data: " + e.getMessage());
        }
    }

    static void writeSpec(DataSpec.Data d, JsonObject data) {
        data.addProperty("source", "data");
        data.addProperty("file", d.file().toString());
        data.addProperty("task", d.task().id());
        data.addProperty("validation_fraction", d.validationFraction());
        d.validationFile().ifPresent(v -> data.addProperty("validation_file", v.toString()));
        d.forecast().ifPresent(f -> data.add("forecast", shape(f)));
        d.sha256().ifPresent(h -> data.addProperty("sha256", h));
        d.csv().ifPresent(c -> {
            JsonObject csv = new JsonObject();
            c.id().ifPresent(v -> csv.addProperty("id", v));
            c.order().ifPresent(v -> csv.addProperty("order", v));
            csv.add("features", strings(c.features()));
            c.target().ifPresent(v -> csv.addProperty("target", v));
            csv.addProperty("target_type", JsonFields.name(c.targetType()));
            data.add("csv", csv);
        });
    }

    static DataSpec.Data readSpec(JsonFields d) {
        Optional<CsvSequences.Columns> csv = Optional.empty();
        if (d.has("csv")) {
            JsonFields c = d.object("csv");
            csv = Optional.of(new CsvSequences.Columns(c.has("id") ? Optional.of(c.string("id")) : Optional.empty(),
                    c.has("order") ? Optional.of(c.string("order")) : Optional.empty(), strings(c.array("features"), "run.data.csv.features"),
                    c.has("target") ? Optional.of(c.string("target")) : Optional.empty(), c.choice("target_type", CsvSequences.TargetType.class)));
        }
        return new DataSpec.Data(Path.of(d.string("file")), csv, d.choice("task", SequenceTask.class), d.number("validation_fraction", 0, 1),
                d.has("validation_file") ? Optional.of(Path.of(d.string("validation_file"))) : Optional.empty(),
                d.has("sha256") ? Optional.of(d.string("sha256")) : Optional.empty(),
                d.has("forecast") ? Optional.of(shape(d.object("forecast"))) : Optional.empty());
    }

    private static JsonObject shape(ForecastWindows.Shape s) {
        JsonObject o = new JsonObject();
        o.addProperty("window", s.window());
        o.addProperty("horizon", s.horizon());
        o.addProperty("season", s.season());
        return o;
    }

    private static ForecastWindows.Shape shape(JsonFields f) {
        try {
            return new ForecastWindows.Shape(f.integer("window", 1, 1 << 20), f.integer("horizon", 1, 1 << 20), f.integer("season", 0, 1 << 20));
        } catch (IllegalArgumentException e) {
            throw new JsonFields.Problem("field 'forecast' " + e.getMessage());
        }
    }

    private static JsonArray strings(List<String> names) {
        JsonArray a = new JsonArray();
        names.forEach(a::add);
        return a;
    }

    private static List<String> strings(JsonArray a, String field) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonElement e = a.get(i);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new JsonFields.Problem("field '" + field + "' entry " + i + " is not a string");
            }
            out.add(e.getAsString());
        }
        return out;
    }

    private static JsonObject standardization(Standardization z) {
        JsonObject o = new JsonObject();
        JsonArray mean = new JsonArray();
        JsonArray std = new JsonArray();
        for (int i = 0; i < z.width(); i++) {
            mean.add(z.mean()[i]);
            std.add(z.std()[i]);
        }
        o.add("mean", mean);
        o.add("std", std);
        return o;
    }

    private static Standardization standardization(JsonFields f, String field) {
        double[] mean = numbers(f.array("mean"), field + ".mean");
        double[] std = numbers(f.array("std"), field + ".std");
        return new Standardization(mean, std);
    }

    private static double[] numbers(JsonArray a, String field) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = a.get(i);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new JsonFields.Problem("field '" + field + "' entry " + i + " is not a number");
            }
            out[i] = e.getAsDouble();
        }
        return out;
    }
}
