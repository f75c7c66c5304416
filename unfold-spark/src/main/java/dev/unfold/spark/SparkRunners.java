package dev.unfold.spark;

import dev.unfold.io.SafeText;
import dev.unfold.window.DistributedRunners;
import dev.unfold.window.WindowRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** {@code --spark MASTER}: a {@link SparkRunner} on a Spark context of its own, stopped when the runner closes. */
public final class SparkRunners implements DistributedRunners {
    @Override
    public String engine() {
        return "spark";
    }

    @Override
    public WindowRunner connect(String master, int partitions) {
        if (master == null || master.isBlank() || !master.matches("local(\\[[0-9*]+(,[0-9]+)?\\])?|(spark|mesos|k8s)://.+|yarn")) {
            throw new IllegalArgumentException("--spark: '" + SafeText.clip(String.valueOf(master)) + "' is not a Spark master URL; use local[N],"
                    + " spark://HOST:PORT, yarn or k8s://URL");
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName("unfold").set("spark.ui.enabled", "false")
                .set("spark.network.timeout", "60s").set("spark.task.maxFailures", "4");
        if (master.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        JavaSparkContext spark;
        try {
            spark = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--spark: cannot start Spark on '" + SafeText.clip(master) + "': " + SafeText.clip(String.valueOf(e.getMessage())), e);
        }
        int n = partitions > 0 ? partitions : spark.defaultParallelism();
        return SparkRunner.owning(spark, n);
    }
}
