package io.hadr.core.topology;

/** The role a region plays when the environment starts. Roles change at runtime on failover. */
public enum RegionRole implements TopologyWord {
    PRIMARY,
    SECONDARY;
}
