package io.hadr.core.topology;

/** Azure SQL failover group's {@code failoverPolicy}. */
public enum FailoverPolicy {
    /** Only a person (or a drill) fails over. */
    MANUAL("manual"),
    /** Fail over by itself after the primary has been down for the grace period. */
    AUTOMATIC("automatic");

    private final String id;

    FailoverPolicy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
