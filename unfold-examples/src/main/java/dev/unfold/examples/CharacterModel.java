package dev.unfold.examples;

import dev.unfold.data.TextData;
import dev.unfold.eval.Sampler;
import dev.unfold.io.TextCorpus;
import dev.unfold.nn.CellType;
import dev.unfold.nn.SequenceModel;
import dev.unfold.optim.Clipping;
import dev.unfold.run.Training;
import dev.unfold.store.TrainedModel;
import dev.unfold.train.TrainingPlan;
import java.nio.file.Files;
import java.nio.file.Path;

/** Trains a character LSTM on the King James text that ships with Unfold, saves it, loads it back and samples from it. */
public class CharacterModel {
    public static void main(String[] args) throws Exception {
        TextData text = TextData.of(TextCorpus.embedded(), 16, 0.05);
        SequenceModel model = SequenceModel.builder()
                .tokens(text.vocabulary().size()).embedding(32)
                .cell(CellType.LSTM).hidden(128)
                .classes(text.vocabulary().size())
                .build();
        TrainingPlan plan = TrainingPlan.builder()
                .batch(16).sequenceLength(64)
                .learningRate(2e-3).clipping(Clipping.byNorm(5))
                .updates(args.length > 0 ? Long.parseLong(args[0]) : 300)
                .build();
        Training.Result result = Training.of(model, text, plan).run();
        System.out.printf("validation: %.3f bits per character%n", result.validation().orElse(Double.NaN));

        Path dir = Files.createTempDirectory("char-model");
        result.model().save(dir);
        TrainedModel loaded = TrainedModel.load(dir);
        System.out.println(Sampler.of(loaded).sample("And God said", 200, Sampler.Sampling.temperature(0.8)));
    }
}
