package io.hadr.geodb;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The inter-region link as seen now.
 *
 * @param latency the one-way latency added to every byte
 * @param partitioned whether the link is cut
 * @param partitionedSince when the current partition began (configured clock), or null
 * @param connections connections crossing the link now (replication, client connections, a base backup)
 * @param directions one entry per direction, the failover group's first server's region first
 */
public record LinkStatus(
        Duration latency, boolean partitioned, Instant partitionedSince, int connections, List<Direction> directions) {

    public LinkStatus {
        directions = List.copyOf(directions);
    }

    /**
     * One direction of the link.
     *
     * @param from the region bytes leave
     * @param to the region they arrive in
     * @param deliveredBytes bytes that arrived since the link started
     * @param pendingBytes bytes on their way now: delayed by the latency, or held by a partition
     */
    public record Direction(String from, String to, long deliveredBytes, long pendingBytes) {}
}
