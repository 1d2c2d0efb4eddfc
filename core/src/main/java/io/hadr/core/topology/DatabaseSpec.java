package io.hadr.core.topology;

import java.time.Duration;

/**
 * The geo-replicated database and its failover group.
 *
 * @param name database name
 * @param replication asynchronous (Azure's behaviour) or synchronous
 * @param failoverPolicy manual or automatic
 * @param gracePeriod Azure's {@code failoverWithDataLossGracePeriodMinutes}, for the automatic policy
 */
public record DatabaseSpec(String name, ReplicationMode replication, FailoverPolicy failoverPolicy, Duration gracePeriod) {}
