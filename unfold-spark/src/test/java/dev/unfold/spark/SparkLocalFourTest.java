package dev.unfold.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.window.WindowRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** On {@code local[4]}, its default four partitions, training gives one process's parameters (its two shards) to 1e-12 in float64. */
class SparkLocalFourTest {
    @Test
    void localFourTrainsAsOneProcess() {
        Weights one;
        try (WindowRunner local = WindowRunner.perCore(new CompiledExecutor())) {
            one = SparkRunnerTest.train(local, DType.F64, CellType.GRU);
        }
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[4]").setAppName("unfold-test").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
                SparkRunner runner = new SparkRunner(spark, spark.defaultParallelism())) {
            assertEquals(4, runner.shards());
            Weights distributed = SparkRunnerTest.train(runner, DType.F64, CellType.GRU);
            for (Parameter p : one.parameters()) {
                double e = TensorFormat.relativeError(distributed.get(p), one.get(p));
                assertTrue(e <= 1e-12, p.name() + " differs by " + e);
            }
        }
    }
}
