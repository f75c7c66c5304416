package dev.unfold.train;

import dev.unfold.io.Vocabulary;
import dev.unfold.nn.ParameterSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A trained model read back from a run folder's checkpoint: its configuration, vocabulary, model and
 * parameters, checked against each other.
 */
public record SavedModel(TrainConfig config, Optional<Vocabulary> vocabulary, SequenceModel model, Map<String, Tensor> params, long step) {

    public static SavedModel load(Path dir) throws IOException {
        Checkpointing.Checkpoint c = Checkpointing.load(dir);
        TrainConfig config = c.manifest().config();
        Optional<Vocabulary> vocab = Optional.empty();
        SequenceSource source;
        if (config.data().isTask()) {
            source = LongMemoryTask.create(config.data().task(), config.data().length(), config.schedule().batch());
        } else {
            Vocabulary v;
            try {
                v = Vocabulary.fromSymbols(c.manifest().vocabulary());
            } catch (IllegalArgumentException e) {
                throw new IOException(dir + ": the checkpoint's vocabulary is damaged: " + e.getMessage());
            }
            vocab = Optional.of(v);
            source = new TextStreams(new int[2], 1, v.size());
        }
        SequenceModel model = RunData.model(config, source);
        Map<String, Tensor> params = c.state().params();
        for (ParameterSpec p : model.parameters()) {
            Tensor t = params.get(p.name());
            if (t == null || !t.shape().equals(p.shape())) {
                throw new IOException(dir + ": checkpoint parameter '" + p.name() + "' is " + (t == null ? "missing" : t.shape())
                        + ", but its configuration and vocabulary of " + vocab.map(Vocabulary::size).orElse(0)
                        + " symbols need " + p.shape() + "; the vocabulary does not match the model");
            }
        }
        if (params.size() != model.parameters().size()) {
            throw new IOException(dir + ": checkpoint holds " + params.size() + " parameters, the model has " + model.parameters().size());
        }
        return new SavedModel(config, vocab, model, params, c.manifest().step());
    }

    public SequenceModelSpec spec() {
        return model.spec();
    }
}
