package dev.unfold.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** What a partition sends back: its shard's loss, its gradients by parameter name, and its states after the steps asked for (slot by slot). */
record ShardResult(double loss, Map<String, ArrayPayload> gradients, List<List<ArrayPayload>> states) implements Serializable {
    private static final long serialVersionUID = 1L;

    long bytes() {
        long n = 8;
        for (ArrayPayload p : gradients.values()) {
            n += p.bytes();
        }
        for (List<ArrayPayload> s : states) {
            for (ArrayPayload p : s) {
                n += p.bytes();
            }
        }
        return n;
    }
}
