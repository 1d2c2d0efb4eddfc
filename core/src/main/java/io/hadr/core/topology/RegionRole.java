package io.hadr.core.topology;

/** The role a region plays when the environment starts. Roles change at runtime on failover. */
public enum RegionRole {
    PRIMARY("primary"),
    SECONDARY("secondary");

    private final String id;

    RegionRole(String id) {
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
