package dev.unfold.spark;

import java.io.Serializable;
import java.util.Map;

/** What a partition sends back after a window: its shard's loss (NaN without one) and its gradients by parameter name. */
record ShardResult(double loss, Map<String, ArrayPayload> gradients) implements Serializable {
    private static final long serialVersionUID = 1L;

    long bytes() {
        long n = 8;
        for (ArrayPayload p : gradients.values()) {
            n += p.bytes();
        }
        return n;
    }
}
