package io.hadr.geodb.internal;

import java.time.Clock;
import java.time.Instant;

/**
 * The faults of the inter-region link: its one-way latency and whether (since when) it is
 * partitioned. Written only on the link's thread, so that a change falls between two deliveries;
 * read from anywhere.
 */
final class LinkFaults {

    private final Clock clock;
    private volatile long latencyNanos;
    private volatile boolean partitioned;
    private volatile Instant partitionedSince;

    /** @param clock for the time a partition began */
    LinkFaults(long latencyNanos, Clock clock) {
        this.latencyNanos = latencyNanos;
        this.clock = clock;
    }

    long latencyNanos() {
        return latencyNanos;
    }

    void latencyNanos(long nanos) {
        latencyNanos = nanos;
    }

    boolean partitioned() {
        return partitioned;
    }

    /** When the partition began; null while the link is whole. */
    Instant partitionedSince() {
        return partitionedSince;
    }

    /** Cuts the link; false when it already was. */
    boolean partition() {
        if (partitioned) {
            return false;
        }
        partitioned = true;
        partitionedSince = clock.instant();
        return true;
    }

    /** Ends the partition; false when there was none. */
    boolean heal() {
        if (!partitioned) {
            return false;
        }
        partitioned = false;
        partitionedSince = null;
        return true;
    }
}
