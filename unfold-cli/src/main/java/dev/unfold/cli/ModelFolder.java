package dev.unfold.cli;

import dev.unfold.data.LongMemoryTask;
import dev.unfold.store.TrainedModel;
import dev.unfold.train.DataSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A run folder's model as the commands that read one need it: the trained model, and the task it was trained on, if any. */
record ModelFolder(Path dir, TrainedModel trained, Optional<LongMemoryTask> task) {
    static ModelFolder load(Path dir) throws IOException {
        return load(dir, false);
    }

    static ModelFolder load(Path dir, boolean allowNonFinite) throws IOException {
        TrainedModel t = TrainedModel.load(dir, allowNonFinite);
        Optional<LongMemoryTask> task = t.run().filter(r -> r.data() instanceof DataSpec.Task)
                .map(r -> ((DataSpec.Task) r.data()).kind().create(((DataSpec.Task) r.data()).length(), r.plan().batch()));
        return new ModelFolder(dir, t, task);
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

    String taskName() {
        return task.map(LongMemoryTask::name).orElse("?");
    }
}
