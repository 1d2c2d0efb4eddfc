package io.hadr.geodb;

import java.time.Instant;
import java.util.List;

/**
 * The failover group as seen now, for {@code hadr db status} and {@code hadr status}.
 *
 * @param primary the server holding the primary role
 * @param secondary the server holding the secondary role, or null while there is none (after a
 *     forced failover until the old primary is reseeded)
 * @param servers every server
 * @param readWriteListener the read-write listener's endpoint
 * @param readWriteTarget the server the read-write listener leads to, or null (failover in progress)
 * @param readOnlyListener the read-only listener's endpoint
 * @param readOnlyTarget the server the read-only listener leads to, or null when there is no readable secondary
 * @param replicationMode ASYNC or SYNC as configured
 * @param synchronousCommit whether commits currently wait for the secondary (SYNC with a secondary attached)
 * @param replicationLagBytes WAL the secondary has not replayed yet; null when unknown
 * @param replicationLagMillis how far behind the secondary's replay is in time: 0 when it has
 *     replayed everything, else PostgreSQL's {@code replay_lag}; null when unknown
 * @param failoverPolicy MANUAL or AUTOMATIC
 * @param primaryUnreachableSince when the watcher first found the primary unreachable, or null
 * @param nonAzureDeviations what in this configuration Azure SQL would not do
 * @param lastFailover the report of the latest failover of this instance, or null
 */
public record GeoDbStatus(String primary, String secondary, List<ServerStatus> servers, ListenerEndpoint readWriteListener,
        String readWriteTarget, ListenerEndpoint readOnlyListener, String readOnlyTarget, ReplicationMode replicationMode,
        boolean synchronousCommit, Long replicationLagBytes, Long replicationLagMillis, FailoverPolicy failoverPolicy,
        Instant primaryUnreachableSince, List<String> nonAzureDeviations, FailoverReport lastFailover) {

    /** The status of one server. */
    public ServerStatus server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server named '" + name + "'"));
    }
}
