package dev.unfold.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.unfold.data.TaskKind;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.exec.Executor;
import dev.unfold.nn.CellType;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.OptimizerConfig;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.MetricsLog;
import dev.unfold.train.DataSpec;
import dev.unfold.train.ModelSettings;
import dev.unfold.train.RunConfig;
import dev.unfold.train.TrainingDivergedException;
import dev.unfold.train.TrainingPlan;
import dev.unfold.train.TruncatedBptt;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @TempDir
    Path tmp;

    @Test
    void resumedTextRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth.\n".repeat(40));
        assertResumeIdentical(text(text, 8, 3, 5, CellType.LSTM), 9, 4);
        assertResumeIdentical(text(text, 4, 4, 4, CellType.GRU), 9, 5);
    }

    @Test
    void resumedRunOnShardsOfTheBatchIsBitIdenticalToAnUninterruptedOne() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth.\n".repeat(40));
        try (WindowRunner shards = WindowRunner.sharded(new CompiledExecutor(), 2)) {
            assertResumeIdentical(text(text, 8, 3, 5, CellType.LSTM), 9, 4, shards, "-shards");
            assertResumeIdentical(task(TaskKind.COPY, 6, 11, 5, 7, CellType.GRU), 8, 3, shards, "-shards");
        }
    }

    @Test
    void resumedTaskRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        assertResumeIdentical(task(TaskKind.ADDING, 12, 12, 12, 12, CellType.RNN_TANH), 8, 3);
        assertResumeIdentical(task(TaskKind.COPY, 6, 11, 5, 7, CellType.LSTM), 8, 3);
    }

    @Test
    void aDivergingRunStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "abcabcabd".repeat(50));
        Path dir = tmp.resolve("nan");
        RunConfig good = text(text, 4, 4, 4, CellType.RNN_RELU);
        new TrainingRun(good, dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        byte[] saved = Files.readAllBytes(dir.resolve(Checkpointing.FILE));
        RunConfig huge = new RunConfig(good.data(), good.model(), good.plan().toBuilder().optimizer(OptimizerConfig.adam())
                .schedule(new LearningRateSchedule.Constant(1e30)).updates(40).build());
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new TrainingRun(huge, dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(true));
        assertTrue(e.getMessage().contains("NaN") || e.getMessage().contains("Infinity"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint"), e.getMessage());
        assertArrayEquals(saved, Files.readAllBytes(dir.resolve(Checkpointing.FILE)));
    }

    @Test
    void aRunWhoseParametersBlowUpNeverWritesThemAndNamesTheLastGoodUpdate() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "abcabcabd".repeat(50));
        Path dir = tmp.resolve("inf");
        RunConfig good = text(text, 4, 4, 4, CellType.RNN_TANH);
        good = new RunConfig(good.data(), good.model(), good.plan().toBuilder().optimizer(OptimizerConfig.sgd(0, 0)).learningRate(0.1).updates(3)
                .intervals(new TrainingPlan.Intervals(1, 0, 1)).build());
        new TrainingRun(good, dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        byte[] saved = Files.readAllBytes(dir.resolve(Checkpointing.FILE));
        RunConfig blowUp = new RunConfig(good.data(), good.model(), good.plan().toBuilder().schedule(new LearningRateSchedule.Constant(1e300))
                .updates(10).build());
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new TrainingRun(blowUp, dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(true));
        assertTrue(e.getMessage().contains("became non-finite at update 4") && e.getMessage().contains("the last good checkpoint, of update 3"), e.getMessage());
        assertArrayEquals(saved, Files.readAllBytes(dir.resolve(Checkpointing.FILE)), "the finite checkpoint stays");
        assertEquals(3, dev.unfold.store.TrainedModel.load(dir).step(), "and loads");
    }

    private static WindowRunner reference() {
        return WindowRunner.local(Executor.reference());
    }

    private void assertResumeIdentical(RunConfig config, long total, long first) throws IOException {
        assertResumeIdentical(config, total, first, reference(), "");
    }

    private void assertResumeIdentical(RunConfig config, long total, long first, WindowRunner runner, String suffix) throws IOException {
        String name = config.model().cell() + (config.data() instanceof DataSpec.Task t ? t.kind().name() : "") + suffix;
        Path straight = tmp.resolve("straight-" + name);
        Path split = tmp.resolve("split-" + name);
        new TrainingRun(config.withBudget(TrainingPlan.Budget.updates(total)), straight, TrainingRun.quiet(), new AtomicBoolean(), runner).run(false);
        new TrainingRun(config.withBudget(TrainingPlan.Budget.updates(first)), split, TrainingRun.quiet(), new AtomicBoolean(), runner).run(false);
        new TrainingRun(config.withBudget(TrainingPlan.Budget.updates(total)), split, TrainingRun.quiet(), new AtomicBoolean(), runner).run(true);
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

    static TrainingPlan plan(int seq, int k1, int k2) {
        return TrainingPlan.builder().batch(3).sequenceLength(seq).windows(new TruncatedBptt(k1, k2)).learningRate(0.01)
                .updates(6).intervals(new TrainingPlan.Intervals(1, 3, 2)).seed(3).build();
    }

    static RunConfig text(Path text, int seq, int k1, int k2, CellType cell) {
        return new RunConfig(new DataSpec.Text(Optional.of(text), 0.1), new ModelSettings(cell, 8, 2, 4), plan(seq, k1, k2));
    }

    static RunConfig task(TaskKind kind, int length, int seq, int k1, int k2, CellType cell) {
        return new RunConfig(new DataSpec.Task(kind, length), new ModelSettings(cell, 8, 2, 0), plan(seq, k1, k2));
    }
}
