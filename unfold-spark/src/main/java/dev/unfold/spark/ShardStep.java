package dev.unfold.spark;

import java.io.Serializable;

/** A window's task's outcome: the partition's next home, and what it sends back to the driver. */
record ShardStep(ShardHome home, ShardResult result) implements Serializable {
    private static final long serialVersionUID = 1L;
}
