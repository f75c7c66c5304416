import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How a Spark job best combines the partitions' gradients, measured on their own: every partition holds a
 * gradient of P floats (cached), and each repetition combines them with the weights of Unfold's merge (each
 * partition's share of the rows) either by collect and a sum on the driver in partition order (what
 * SparkRunner does) or by treeAggregate (the sum made on the executors, a tree of depth 2). Alternating, median
 * milliseconds per combination. Run by tools/bench/spark_combine.sh.
 */
public final class SparkCombine {
    public static void main(String[] args) {
        int floats = Integer.parseInt(args[0]);
        int partitions = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        String master = args.length > 3 ? args[3] : "local[2]";
        SparkConf conf = new SparkConf().setMaster(master).setAppName("combine").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            spark.setLogLevel("ERROR");
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                ids.add(i);
            }
            JavaRDD<float[]> grads = spark.parallelize(ids, partitions).map(i -> {
                Random r = new Random(i);
                float[] g = new float[floats];
                for (int k = 0; k < floats; k++) {
                    g[k] = (float) r.nextGaussian();
                }
                return g;
            }).cache();
            grads.count();
            double share = 1.0 / partitions;
            double[] collect = new double[reps];
            double[] tree = new double[reps];
            for (int r = -3; r < reps; r++) {
                long t0 = System.nanoTime();
                List<float[]> all = grads.collect();
                float[] sum = new float[floats];
                for (float[] g : all) {
                    for (int k = 0; k < floats; k++) {
                        sum[k] += (float) (share * g[k]);
                    }
                }
                long t1 = System.nanoTime();
                float[] agg = grads.treeAggregate(new float[floats], (acc, g) -> {
                    for (int k = 0; k < floats; k++) {
                        acc[k] += (float) (share * g[k]);
                    }
                    return acc;
                }, (a, b) -> {
                    for (int k = 0; k < floats; k++) {
                        a[k] += b[k];
                    }
                    return a;
                }, 2);
                long t2 = System.nanoTime();
                if (r >= 0) {
                    collect[r] = (t1 - t0) / 1e6;
                    tree[r] = (t2 - t1) / 1e6;
                }
                if (agg.length != sum.length) {
                    throw new IllegalStateException();
                }
            }
            java.util.Arrays.sort(collect);
            java.util.Arrays.sort(tree);
            System.out.printf(Locale.ROOT, "floats=%d partitions=%d master=%s collect_ms=%.2f tree_aggregate_ms=%.2f%n", floats, partitions, master,
                    collect[reps / 2], tree[reps / 2]);
        }
    }
}
