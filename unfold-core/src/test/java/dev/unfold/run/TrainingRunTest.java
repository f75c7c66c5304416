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
import dev.unfold.store.TrainedModel;
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
    void resumedRunWithDropoutVariationalDropoutAndZoneoutIsBitIdentical() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth.\n".repeat(40));
        assertResumeIdentical(regularized(text(text, 8, 8, 8, CellType.LSTM)), 9, 4);
        try (WindowRunner shards = WindowRunner.sharded(new CompiledExecutor(), 2)) {
            assertResumeIdentical(regularized(text(text, 8, 3, 5, CellType.GRU)), 9, 5, shards, "-shards");
        }
    }

    @Test
    void aRegularizedRunOnOneWorkerAndOnTwoIsTheSameRun() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth.\n".repeat(40));
        RunConfig c = regularized(text(text, 8, 8, 8, CellType.LSTM)).withBudget(TrainingPlan.Budget.updates(10));
        new TrainingRun(c, tmp.resolve("one"), TrainingRun.quiet(), new AtomicBoolean(), WindowRunner.local(new CompiledExecutor())).run(false);
        try (WindowRunner two = WindowRunner.sharded(new CompiledExecutor(), 2)) {
            new TrainingRun(c, tmp.resolve("two"), TrainingRun.quiet(), new AtomicBoolean(), two).run(false);
        }
        List<String> a = losses(tmp.resolve("one"));
        List<String> b = losses(tmp.resolve("two"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            double la = Double.parseDouble(a.get(i).split(":")[1]);
            double lb = Double.parseDouble(b.get(i).split(":")[1]);
            assertEquals(la, lb, 1e-4 * Math.abs(la), "update " + (i + 1) + ": the same masks, the same run, to float32 summation order");
        }
    }

    private static RunConfig regularized(RunConfig c) {
        dev.unfold.train.ModelSettings m = c.model();
        return new RunConfig(c.data(), new dev.unfold.train.ModelSettings(m.cell(), m.hidden(), m.layers(), m.embedding(),
                new dev.unfold.nn.Regularization(0.3, 0.3, 0.2)), c.plan());
    }

    /** Trains on one text and validates on another: the validation score improves, then worsens as the model learns its own text. */
    private RunConfig overfitting(long updates, int patience) throws IOException {
        Path train = tmp.resolve("train.txt");
        Path val = tmp.resolve("val.txt");
        Files.writeString(train, "the cat sat on the mat. ".repeat(200));
        Files.writeString(val, "a dog ran to a log! ".repeat(30));
        TrainingPlan plan = TrainingPlan.builder().batch(4).sequenceLength(16).learningRate(0.002).updates(updates)
                .intervals(new TrainingPlan.Intervals(10, 10, 30)).seed(3).patience(patience).build();
        return new RunConfig(new DataSpec.Text(Optional.of(train), 0.05).validatedOn(val), new ModelSettings(CellType.LSTM, 16, 1, 8), plan);
    }

    private static List<double[]> validations(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(MetricsLog.FILE)).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.has("val_bits_per_char"))
                .map(o -> new double[] {o.get("step").getAsLong(), o.get("val_bits_per_char").getAsDouble(), o.has("best") ? 1 : 0}).toList();
    }

    @Test
    void aRunKeepsItsBestValidationBesideItsLastAndMarksIt() throws IOException {
        Path dir = tmp.resolve("best");
        TrainingRun.Result r = new TrainingRun(overfitting(120, 0), dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        List<double[]> v = validations(dir);
        assertEquals(12, v.size());
        double lowest = Double.POSITIVE_INFINITY;
        long bestStep = -1;
        for (double[] p : v) {
            boolean better = p[1] < lowest;
            assertEquals(better ? 1 : 0, (int) p[2], "update " + (long) p[0] + " is marked best exactly when it is better than all before it");
            if (better) {
                lowest = p[1];
                bestStep = (long) p[0];
            }
        }
        assertTrue(bestStep > 10 && bestStep < 120, "the validation turned: best at " + bestStep);
        assertEquals(bestStep, r.best().orElseThrow().step());
        assertEquals(lowest, r.best().get().value());
        TrainedModel best = TrainedModel.load(dir);
        TrainedModel last = TrainedModel.load(dir, Checkpointing.Choice.LAST, false);
        assertEquals(bestStep, best.step(), "the best is what a folder gives by default");
        assertEquals(120, last.step());
        assertEquals(Optional.of(new dev.unfold.store.Manifest.Best(bestStep, lowest, 8)),
                Checkpointing.load(dir).manifest().best(), "the last checkpoint records the best and the validations since");
        assertTrue(java.util.Arrays.equals(best.weights().get(best.model().parameters().get(0)).f32(),
                Checkpointing.load(dir, Checkpointing.Choice.BEST, false).weights().get(best.model().parameters().get(0)).f32()));
    }

    @Test
    void patienceStopsARunAfterThatManyValidationsWithoutABetterOneAndSaysSo() throws IOException {
        Path dir = tmp.resolve("patient");
        TrainingRun.Result r = new TrainingRun(overfitting(400, 3), dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        long bestStep = r.best().orElseThrow().step();
        assertEquals(bestStep + 30, r.steps(), "three validations, ten updates apart, without improvement");
        assertTrue(r.stoppedEarly().orElseThrow().contains("no better validation in 3 validations since update " + bestStep), r.stoppedEarly().get());
        assertTrue(Files.readAllLines(dir.resolve(MetricsLog.FILE)).stream().anyMatch(l -> l.contains("\"event\":\"stopped early\"")));
        assertEquals(r.steps(), TrainedModel.load(dir, Checkpointing.Choice.LAST, false).step());
        assertEquals(bestStep, TrainedModel.load(dir).step());
    }

    @Test
    void aResumedRunKeepsBothCheckpointsAndIsTheSameRun() throws IOException {
        Path straight = tmp.resolve("straight-best");
        Path split = tmp.resolve("split-best");
        RunConfig c = overfitting(120, 0);
        new TrainingRun(c, straight, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        new TrainingRun(c.withBudget(TrainingPlan.Budget.updates(60)), split, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        assertEquals(40, TrainedModel.load(split).step());
        TrainingRun.Result r = new TrainingRun(c, split, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(true);
        assertEquals(losses(straight), losses(split));
        assertEquals(validations(straight).stream().map(java.util.Arrays::toString).toList(),
                validations(split).stream().map(java.util.Arrays::toString).toList());
        assertSameWeights(TrainedModel.load(straight), TrainedModel.load(split));
        assertEquals(40, r.best().orElseThrow().step());
    }

    @Test
    void aRunKilledBetweenWritingItsCheckpointAndItsBestCopiesTheBestOnResume() throws IOException {
        Path dir = tmp.resolve("killed");
        RunConfig c = overfitting(120, 0);
        new TrainingRun(c.withBudget(TrainingPlan.Budget.updates(40)), dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        Path best = dir.resolve(Checkpointing.BEST_FILE);
        assertEquals(40, TrainedModel.load(dir).step());
        Files.delete(best);
        new TrainingRun(c, dir, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(true);
        assertEquals(40, TrainedModel.load(dir).step(), "the checkpoint of update 40 named itself best: it is copied");
        Path other = tmp.resolve("other");
        new TrainingRun(c.withBudget(TrainingPlan.Budget.updates(30)), other, TrainingRun.quiet(), new AtomicBoolean(), reference()).run(false);
        Files.copy(other.resolve(Checkpointing.BEST_FILE), best, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] foreign = Files.readAllBytes(best);
        IOException e = assertThrows(IOException.class, () -> new TrainingRun(c.withBudget(TrainingPlan.Budget.updates(130)), dir, TrainingRun.quiet(),
                new AtomicBoolean(), reference()).run(true));
        assertTrue(e.getMessage().contains("holds update 30, but the run's best is update 40"), e.getMessage());
        assertArrayEquals(foreign, Files.readAllBytes(best), "a best file that is not the run's is refused, not replaced");
        Files.delete(best);
        TrainingRun.Result r = new TrainingRun(c.withBudget(TrainingPlan.Budget.updates(130)), dir, TrainingRun.quiet(), new AtomicBoolean(), reference())
                .run(true);
        assertEquals(130, r.best().orElseThrow().step(), "a best file removed by hand ends the record; the next validation is the best");
    }

    private static void assertSameWeights(TrainedModel a, TrainedModel b) {
        assertEquals(a.step(), b.step());
        for (dev.unfold.nn.Parameter p : a.model().parameters()) {
            assertArrayEquals(a.weights().get(p).f32(), b.weights().get(p).f32(), p.name());
        }
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
        assertEquals(3, TrainedModel.load(dir).step(), "and loads");
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
