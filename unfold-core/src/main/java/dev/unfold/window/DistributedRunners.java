package dev.unfold.window;

import java.util.ServiceLoader;

/**
 * Runners that spread a window's shards over a cluster, found on the class path ({@link ServiceLoader}) so that
 * the engine behind one (Apache Spark, in {@code unfold-spark}) stays out of the core and out of the tool's jar.
 */
public interface DistributedRunners {
    /** The engine's name: what {@code --spark} and the like ask for. */
    String engine();

    /**
     * A runner on the cluster at {@code master}, with {@code partitions} shards (0: the cluster's default parallelism);
     * closing it disconnects. A master that is malformed or cannot be reached is an {@link IllegalArgumentException}.
     */
    WindowRunner connect(String master, int partitions);

    /** The provider of {@code engine} on the class path, if there is one. */
    static java.util.Optional<DistributedRunners> find(String engine) {
        for (DistributedRunners r : ServiceLoader.load(DistributedRunners.class)) {
            if (r.engine().equals(engine)) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }
}
