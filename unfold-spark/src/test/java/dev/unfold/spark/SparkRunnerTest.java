package dev.unfold.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.data.TextStreams;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.train.Trainer;
import dev.unfold.train.TrainingPlan;
import dev.unfold.train.TruncatedBptt;
import dev.unfold.window.WindowRunner;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training on Spark ({@code local[2]}, inside the test JVM) gives the parameters one process gives with the same
 * global batch and seed: with as many partitions as the process has shards, bit for bit in float64 and float32;
 * with four partitions against two shards, to 1e-12 in float64 and 1e-5 in float32 after 20 updates. A task that
 * fails once is retried by Spark and the run's parameters do not change. Each partition keeps its rows of the episode
 * and its carried state between updates: they are sent once, and a snapshot fetches the state back (resumed
 * elsewhere, bit for bit).
 */
class SparkRunnerTest {
    static final int VOCAB = 11;
    static final int BATCH = 8;
    static final int UPDATES = 20;
    static JavaSparkContext spark;

    @BeforeAll
    static void start() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("unfold-test").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    static Weights train(WindowRunner runner, DType dtype, CellType cell) {
        Trainer t = trainer(runner, dtype, cell);
        for (int i = 0; i < UPDATES; i++) {
            t.step();
        }
        return t.weights();
    }

    static Trainer trainer(WindowRunner runner, DType dtype, CellType cell) {
        SequenceModel model = SequenceModel.builder().tokens(VOCAB).embedding(4).cell(cell).hidden(8).layers(2).dropout(0.1).classes(VOCAB).build();
        Rng rng = new Rng(3);
        int[] ids = new int[BATCH * 200];
        Arrays.setAll(ids, i -> rng.nextInt(VOCAB));
        TrainingPlan plan = TrainingPlan.builder().batch(BATCH).sequenceLength(12).windows(new TruncatedBptt(6, 12)).learningRate(0.01).seed(5).build();
        Trainer t = new Trainer(model, new TextStreams(ids, BATCH, VOCAB), plan, runner, dtype);
        t.initialize(InitScheme.PYTORCH, 7);
        return t;
    }

    @ParameterizedTest(name = "{0}, {1}, {2} partitions against {3} shards")
    @CsvSource({"LSTM, F64, 2, 2", "GRU, F32, 2, 2", "LSTM, F64, 4, 2", "LSTM, F32, 4, 2"})
    void sparkTrainsAsOneProcess(CellType cell, DType dtype, int partitions, int shards) {
        Weights one;
        try (WindowRunner local = WindowRunner.sharded(new CompiledExecutor(), shards)) {
            one = train(local, dtype, cell);
        }
        Weights distributed;
        try (SparkRunner runner = new SparkRunner(spark, partitions)) {
            distributed = train(runner, dtype, cell);
            assertTrue(runner.traffic()[0] > 0 && runner.traffic()[2] >= UPDATES);
            assertArrayEquals(new long[] {1, 0}, runner.placements(), "the episode's rows sent once; every carried state stayed on its partition");
        }
        assertSame(one, distributed, partitions == shards ? 0 : dtype == DType.F64 ? 1e-12 : 1e-5);
    }

    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @ParameterizedTest(name = "a task of partition {0} fails once")
    @CsvSource({"1"})
    void aFailedTaskIsRetriedAndTheRunDoesNotChange(int partition) {
        Weights clean;
        try (SparkRunner runner = new SparkRunner(spark, 2)) {
            clean = train(runner, DType.F32, CellType.LSTM);
        }
        FAILED.set(false);
        Weights retried;
        try (SparkRunner runner = new SparkRunner(spark, 2, shard -> {
            if (shard == partition && TaskContext.get().attemptNumber() == 0 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("a task failing on purpose");
            }
        })) {
            retried = train(runner, DType.F32, CellType.LSTM);
        }
        assertTrue(FAILED.get(), "the task failed once");
        assertSame(clean, retried, 0);
    }

    @ParameterizedTest(name = "{0}: a snapshot after {1} updates, resumed on another runner")
    @CsvSource({"LSTM, 10"})
    void aSnapshotFetchesTheCarriedStateAndResumesBitForBit(CellType cell, int at) {
        Weights straight;
        try (SparkRunner runner = new SparkRunner(spark, 2)) {
            straight = train(runner, DType.F32, cell);
        }
        dev.unfold.train.TrainingState saved;
        try (SparkRunner runner = new SparkRunner(spark, 2)) {
            Trainer t = trainer(runner, DType.F32, cell);
            for (int i = 0; i < at; i++) {
                t.step();
            }
            saved = t.snapshot();
            assertTrue(saved.carried().values().stream().allMatch(dev.unfold.nn.RecurrentState::present), "the carried states are fetched");
            t.step();
        }
        try (SparkRunner runner = new SparkRunner(spark, 2)) {
            Trainer t = trainer(runner, DType.F32, cell);
            t.restore(saved);
            for (int i = at; i < UPDATES; i++) {
                t.step();
            }
            assertSame(straight, t.weights(), 0);
            assertArrayEquals(new long[] {1, 1}, runner.placements(), "the resumed state sent once");
        }
    }

    private static void assertSame(Weights expected, Weights actual, double tolerance) {
        for (Parameter p : expected.parameters()) {
            if (tolerance == 0) {
                assertArrayEquals(expected.get(p).toDoubleArray(), actual.get(p).toDoubleArray(), p.name() + " bit for bit");
            } else {
                double e = TensorFormat.relativeError(actual.get(p), expected.get(p));
                assertTrue(e <= tolerance, p.name() + " differs by " + e);
                assertEquals(expected.get(p).shape(), actual.get(p).shape());
            }
        }
    }
}
