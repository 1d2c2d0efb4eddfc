package io.hadr.drill.spec;

import java.time.Duration;

/**
 * Something a drill can check about the environment: from the traffic it drives (which region
 * answered, whether requests succeed) or from the platform's status (which database is primary).
 * Used by {@code expect} steps, {@code if} guards and the steady-state hypothesis.
 */
public sealed interface Condition {

    /** The condition as it reads in a drill file. */
    String text();

    /** The latest requests of this kind all succeeded and were all answered by this region. */
    record ServedFrom(TrafficKind kind, RegionRef region) implements Condition {
        public String text() {
            return kind.word() + " served from " + region.written();
        }
    }

    /** Some of the latest successful requests of this kind were answered by this region. */
    record Include(TrafficKind kind, RegionRef region) implements Condition {
        public String text() {
            return kind.word() + " include " + region.written();
        }
    }

    /** The latest requests of this kind all succeeded. */
    record Succeed(TrafficKind kind) implements Condition {
        public String text() {
            return kind.word() + " succeed";
        }
    }

    /** The latest requests of this kind all failed. */
    record Fail(TrafficKind kind) implements Condition {
        public String text() {
            return kind.word() + " fail";
        }
    }

    /** The failover group's primary is this region's server. */
    record PrimaryIs(RegionRef region) implements Condition {
        public String text() {
            return "db primary is " + region.written();
        }
    }

    /** The front door sees this region's origin as healthy (or unhealthy). */
    record OriginHealth(RegionRef region, boolean healthy) implements Condition {
        public String text() {
            return "origin " + region.written() + (healthy ? " healthy" : " unhealthy");
        }
    }

    /** The geo-secondary's replay is less than this far behind the primary. */
    record ReplicationLagBelow(Duration limit) implements Condition {
        public String text() {
            return "replication lag below " + io.hadr.core.topology.Durations.format(limit);
        }
    }

    /** Whether judging the condition needs the platform's status (rather than only the traffic). */
    default boolean needsStatus() {
        return this instanceof PrimaryIs || this instanceof OriginHealth || this instanceof ReplicationLagBelow;
    }
}
