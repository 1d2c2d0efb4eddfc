package io.hadr.core.topology;

import java.time.Duration;

/**
 * The geo-replicated database and its failover group.
 *
 * @param name database name
 * @param replication asynchronous (Azure's behaviour) or synchronous
 * @param failoverPolicy manual or automatic
 * @param gracePeriod Azure's {@code failoverWithDataLossGracePeriodMinutes}, for the automatic policy
 * @param maxConnections sessions each database server accepts (PostgreSQL's {@code max_connections};
 *     on Azure SQL the service tier's session limit); the {@link ConnectionBudget} must fit in it
 */
public record DatabaseSpec(
        String name,
        ReplicationMode replication,
        FailoverPolicy failoverPolicy,
        Duration gracePeriod,
        int maxConnections) {}
