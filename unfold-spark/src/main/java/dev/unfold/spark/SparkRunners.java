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
        if (master.startsWith("spark://")) {
            requireReachable(master);
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
        spark.setLogLevel("WARN");
        int n = partitions > 0 ? partitions : spark.defaultParallelism();
        return SparkRunner.owning(spark, n);
    }

    /** Each host:port of a standalone master answers a connection within 5 seconds, or the run is refused before Spark starts. */
    private static void requireReachable(String master) {
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
            int port;
            try {
                port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 7077;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--spark: '" + SafeText.clip(master) + "' has a port that is not a number");
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(host, port), 5000);
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("--spark: cannot reach the Spark master at " + SafeText.clip(hostPort) + ": "
                        + SafeText.clip(String.valueOf(e.getMessage())));
            }
        }
    }
}
