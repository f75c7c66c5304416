package dev.unfold.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.unfold.exec.Executor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @TempDir
    Path tmp;

    static final TrainingRun.Listener QUIET = new TrainingRun.Listener() {
        @Override
        public void started(String description, long fromStep) {
        }

        @Override
        public void progress(TrainingRun.Progress p) {
        }
    };

    @Test
    void resumedTextRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth.\n".repeat(40));
        assertResumeIdentical(config(text.toString(), "", 8, 3, 5, "lstm"), 9, 4);
        assertResumeIdentical(config(text.toString(), "", 4, 4, 4, "gru"), 9, 5);
    }

    @Test
    void resumedRunOnShardsOfTheBatchIsBitIdenticalToAnUninterruptedOne() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth.\n".repeat(40));
        Executor shards = dev.unfold.exec.CompiledExecutor.withWorkers(2, null);
        assertResumeIdentical(config(text.toString(), "", 8, 3, 5, "lstm"), 9, 4, shards, "-shards");
        assertResumeIdentical(config("", "copy", 11, 5, 7, "gru"), 8, 3, shards, "-shards");
    }

    @Test
    void resumedTaskRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        assertResumeIdentical(config("", "adding", 12, 12, 12, "rnn_tanh"), 8, 3);
        assertResumeIdentical(config("", "copy", 11, 5, 7, "lstm"), 8, 3);
    }

    @Test
    void aDivergingRunStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "abcabcabd".repeat(50));
        Path dir = tmp.resolve("nan");
        new TrainingRun(config(text.toString(), "", 4, 4, 4, "rnn_relu"), dir, QUIET, new AtomicBoolean(), Executor.reference()).run(false);
        byte[] good = Files.readAllBytes(dir.resolve(Checkpointing.FILE));
        TrainConfig huge = withLr(config(text.toString(), "", 4, 4, 4, "rnn_relu"), 1e30, 40);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new TrainingRun(huge, dir, QUIET, new AtomicBoolean(), Executor.reference()).run(true));
        assertTrue(e.getMessage().contains("NaN") || e.getMessage().contains("Infinity"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint"), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(dir.resolve(Checkpointing.FILE)));
    }

    private void assertResumeIdentical(TrainConfig config, long total, long first) throws IOException {
        assertResumeIdentical(config, total, first, Executor.reference(), "");
    }

    private void assertResumeIdentical(TrainConfig config, long total, long first, Executor executor, String suffix) throws IOException {
        Path straight = tmp.resolve("straight-" + config.model().cell() + config.data().task() + suffix);
        Path split = tmp.resolve("split-" + config.model().cell() + config.data().task() + suffix);
        new TrainingRun(withSteps(config, total), straight, QUIET, new AtomicBoolean(), executor).run(false);
        new TrainingRun(withSteps(config, first), split, QUIET, new AtomicBoolean(), executor).run(false);
        new TrainingRun(withSteps(config, total), split, QUIET, new AtomicBoolean(), executor).run(true);
        List<String> a = losses(straight);
        List<String> b = losses(split);
        assertEquals(total, a.size());
        assertEquals(a, b, "loss trajectories");
    }

    private static List<String> losses(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(MetricsLog.FILE)).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.has("loss"))
                .map(o -> o.get("step").getAsLong() + ":" + o.get("loss").getAsString()).toList();
    }

    static TrainConfig config(String text, String task, int seq, int k1, int k2, String cell) {
        return new TrainConfig(new TrainConfig.Data(text, task, task.equals("adding") ? seq : 6, 0.1),
                new TrainConfig.Model(cell, 8, 2, task.isEmpty() ? 4 : 0, "pytorch"),
                new TrainConfig.Schedule(seq, 3, k1, k2, 6, 0, 1, 3, 2),
                new TrainConfig.Optimization("adam", 0.01, 0.9, 0, "constant", 0, 1, 1, 0, 0), 3);
    }

    private static TrainConfig withSteps(TrainConfig c, long steps) {
        TrainConfig.Schedule s = c.schedule();
        return new TrainConfig(c.data(), c.model(), new TrainConfig.Schedule(s.seq(), s.batch(), s.k1(), s.k2(), steps, 0,
                s.logEvery(), s.evalEvery(), s.checkpointEvery()), c.optimization(), c.seed());
    }

    private static TrainConfig withLr(TrainConfig c, double lr, long steps) {
        TrainConfig.Optimization o = c.optimization();
        return withSteps(new TrainConfig(c.data(), c.model(), c.schedule(), new TrainConfig.Optimization(o.optimizer(), lr, 0, 0,
                "constant", 0, 1, 1, 0, 0), c.seed()), steps);
    }
}
