package io.hadr.core.topology;

/** How the geo-secondary receives changes. Azure SQL geo-replication is asynchronous. */
public enum ReplicationMode {
    ASYNC("async"),
    SYNC("sync");

    private final String id;

    ReplicationMode(String id) {
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
