package dev.unfold.cli;

import dev.unfold.data.CsvSequences;
import dev.unfold.data.DataTables;
import dev.unfold.data.EncodedSequences;
import dev.unfold.data.ForecastWindows;
import dev.unfold.data.LongMemoryTask;
import dev.unfold.data.SequenceFile;
import dev.unfold.run.DataRuns;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.TrainedModel;
import dev.unfold.train.DataSpec;
import dev.unfold.train.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/** A run folder's model as the commands that read one need it: the trained model, and the task it was trained on, if any. */
record ModelFolder(Path dir, TrainedModel trained, Optional<LongMemoryTask> task, Checkpointing.Choice chosen) {
    static ModelFolder load(Path dir) throws IOException {
        return load(dir, false);
    }

    /** {@code --checkpoint best|last}. */
    static final class WhichName implements CommandLine.ITypeConverter<Checkpointing.Choice> {
        @Override
        public Checkpointing.Choice convert(String value) {
            return Choices.parse(Checkpointing.Choice.class, "checkpoint", value);
        }
    }

    static ModelFolder load(Path dir, boolean allowNonFinite) throws IOException {
        return load(dir, Checkpointing.Choice.BEST, allowNonFinite);
    }

    static ModelFolder load(Path dir, Checkpointing.Choice choice, boolean allowNonFinite) throws IOException {
        TrainedModel t = TrainedModel.load(dir, choice, allowNonFinite);
        Optional<LongMemoryTask> task = t.run().filter(r -> r.data() instanceof DataSpec.Task)
                .map(r -> ((DataSpec.Task) r.data()).kind().create(((DataSpec.Task) r.data()).length(), r.plan().batch()));
        return new ModelFolder(dir, t, task, choice);
    }

    /** The checkpoint file the model was read from. */
    Path file() {
        return Files.isRegularFile(dir.resolve(Checkpointing.BEST_FILE)) && chosen == Checkpointing.Choice.BEST
                ? dir.resolve(Checkpointing.BEST_FILE) : dir.resolve(Checkpointing.FILE);
    }

    boolean isCharacterModel() {
        return trained.vocabulary().isPresent();
    }

    /** The task model's task, or a message saying what the folder holds instead. */
    LongMemoryTask requireTask() {
        return task.orElseThrow(() -> new IllegalArgumentException(dir + " holds a model trained on neither a text nor a task"));
    }

    /** The length parameter the task model was trained at. */
    int taskLength() {
        return trained.run().map(r -> r.data()).filter(d -> d instanceof DataSpec.Task).map(d -> ((DataSpec.Task) d).length()).orElse(0);
    }

    /** Whether the model learned from a data file's sequences (it carries their tables). */
    boolean isDataModel() {
        return trained.tables().isPresent();
    }

    /**
     * {@code file} read as the model's training data was (CSV by the run's columns, else JSON Lines) and encoded
     * with the model's tables; with {@code needTargets}, each sequence must have the task's target.
     */
    EncodedSequences readData(Path file, boolean needTargets) throws IOException {
        return readFile(file, needTargets).encoded();
    }

    /** A data file as a model reads it, and, for a forecast, its windows with their baselines (scored) or the windows after each series (predicted). */
    record DataFile(EncodedSequences encoded, Optional<ForecastWindows.Windows> windows) {
    }

    DataFile readFile(Path file, boolean needTargets) throws IOException {
        DataTables tables = trained.tables().orElseThrow();
        Optional<CsvSequences.Columns> csv = trained.run().map(RunConfig::data).filter(d -> d instanceof DataSpec.Data).flatMap(d -> ((DataSpec.Data) d).csv());
        boolean forecast = tables.forecast().isPresent();
        if (csv.isPresent() && !needTargets && !forecast) {
            CsvSequences.Columns c = csv.get();
            csv = Optional.of(new CsvSequences.Columns(c.id(), c.order(), c.features(), Optional.empty(), c.targetType()));
        }
        SequenceFile f = DataRuns.read(file, csv);
        if (forecast && needTargets) {
            ForecastWindows.Windows w = ForecastWindows.cut(f, tables.forecast().get(), ForecastWindows.Part.ALL, 0);
            return new DataFile(EncodedSequences.of(w.file(), tables, true), Optional.of(w));
        }
        if (forecast) {
            return new DataFile(EncodedSequences.of(ForecastWindows.future(f, tables.forecast().get()), tables, false), Optional.empty());
        }
        return new DataFile(EncodedSequences.of(f, tables, needTargets), Optional.empty());
    }

    String taskName() {
        return task.map(LongMemoryTask::name).orElse("?");
    }
}
