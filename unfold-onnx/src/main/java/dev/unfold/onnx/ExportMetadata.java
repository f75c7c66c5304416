package dev.unfold.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.gson.Gson;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.store.DataTablesJson;
import dev.unfold.store.TrainedModel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an exported model says of itself in ONNX's metadata: the architecture ({@code unfold.cell},
 * {@code unfold.hidden}, ...), the form, the vocabulary (a JSON list of symbols, index order) and a data
 * model's tables (its symbols, classes and standardisation, as JSON), so that a caller can encode inputs and
 * read outputs without Unfold.
 */
final class ExportMetadata {
    private ExportMetadata() {
    }

    static Map<String, String> of(TrainedModel trained, String form, int steps) {
        SequenceModelSpec s = trained.model().spec();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unfold.form", form);
        if (steps > 0) {
            m.put("unfold.steps", Integer.toString(steps));
        }
        m.put("unfold.cell", s.rnn().cell().id());
        m.put("unfold.hidden", Integer.toString(s.rnn().hiddenSize()));
        m.put("unfold.layers", Integer.toString(s.rnn().layers()));
        m.put("unfold.directions", Integer.toString(s.rnn().directions().count()));
        m.put("unfold.input", lower(s.input().kind()));
        m.put("unfold.input_size", Integer.toString(s.input().size()));
        m.put("unfold.embedding", Integer.toString(s.input().embedding()));
        m.put("unfold.output", lower(s.output().kind()));
        m.put("unfold.output_size", Integer.toString(s.output().size()));
        m.put("unfold.reads", lower(s.output().reads()));
        m.put("unfold.lengths", Boolean.toString(s.lengths()));
        m.put("unfold.update", Long.toString(trained.step()));
        trained.vocabulary().ifPresent(v -> m.put("vocabulary", new Gson().toJson(v.symbols())));
        trained.tables().ifPresent(t -> m.put("unfold.tables", DataTablesJson.json(t)));
        return m;
    }

    static void addTo(ModelProto.Builder model, Map<String, String> entries) {
        entries.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
