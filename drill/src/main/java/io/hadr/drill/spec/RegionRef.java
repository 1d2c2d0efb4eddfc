package io.hadr.drill.spec;

import io.hadr.core.topology.Region;

/**
 * A region named in a drill file, resolved against the topology when the drill was read.
 *
 * @param written what the file said: {@code primary}, {@code secondary}, a region id or a display name
 * @param region the region it means
 */
public record RegionRef(String written, Region region) {

    public String id() {
        return region.id();
    }

    public String displayName() {
        return region.displayName();
    }

    @Override
    public String toString() {
        return written.equals(region.id()) ? region.id() : written + " (" + region.id() + ")";
    }
}
