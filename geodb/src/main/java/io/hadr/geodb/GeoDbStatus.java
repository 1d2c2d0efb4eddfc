package io.hadr.geodb;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The failover group as seen now, for {@code hadr db status} and {@code hadr status}.
 *
 * @param primary the server holding the primary role
 * @param secondary the server holding the secondary role, or null while there is none (after a
 *     forced failover until the old primary is reseeded)
 * @param state the group's own state: steady, degraded, leaderless, failing over, ...
 * @param servers every server
 * @param readWriteListener the read-write listener's endpoint
 * @param readWriteTarget the server the read-write listener leads to, or null (failover in progress)
 * @param readOnlyListener the read-only listener's endpoint
 * @param readOnlyTarget the server the read-only listener leads to, or null when there is no readable secondary
 * @param replicationMode ASYNC or SYNC as configured
 * @param synchronousCommit whether commits currently wait for the secondary (SYNC with a secondary attached)
 * @param replicationLagBytes WAL the secondary has not replayed yet, measured on the primary
 *     (see {@link ReplicationStatus#lagBytes()}); null when unknown
 * @param replicationLagMillis how far behind the secondary is in time (see
 *     {@link ReplicationStatus#lagMillis()}); null when unknown
 * @param replication the full measurement from the primary's side, or null without a primary
 *     that answers or without a secondary
 * @param failoverPolicy MANUAL or AUTOMATIC
 * @param failoverGracePeriod with AUTOMATIC, the primary outage after which the group fails over; else null
 * @param primaryUnreachableSince when the watcher first found the primary unreachable, or null
 * @param lastFailover the report of the latest failover of this instance, or null
 * @param listeners every listener entry: read-write and read-only, one per region each, the
 *     initial primary's region first ({@code readWriteListener} and {@code readOnlyListener} are
 *     that region's)
 * @param link the inter-region link: latency, partition, bytes crossing
 */
public record GeoDbStatus(
        String primary,
        String secondary,
        GroupState state,
        List<ServerStatus> servers,
        ListenerEndpoint readWriteListener,
        String readWriteTarget,
        ListenerEndpoint readOnlyListener,
        String readOnlyTarget,
        ReplicationMode replicationMode,
        boolean synchronousCommit,
        Long replicationLagBytes,
        Long replicationLagMillis,
        ReplicationStatus replication,
        FailoverPolicy failoverPolicy,
        Duration failoverGracePeriod,
        Instant primaryUnreachableSince,
        FailoverReport lastFailover,
        List<ListenerStatus> listeners,
        LinkStatus link) {

    public GeoDbStatus {
        servers = List.copyOf(servers);
        listeners = List.copyOf(listeners);
    }

    /** The status of one server. */
    public ServerStatus server(String name) {
        return servers.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server named '" + name + "'"));
    }
}
