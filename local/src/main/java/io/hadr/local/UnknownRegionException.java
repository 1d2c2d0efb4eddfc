package io.hadr.local;

import java.util.List;

/** A region id that the environment's topology does not have: bad input, named with the regions that exist. */
public final class UnknownRegionException extends LocalEnvironmentException {

    private final String region;
    private final List<String> regions;

    public UnknownRegionException(String region, List<String> regions) {
        super("no region '" + region + "'; the regions are " + String.join(", ", regions));
        this.region = region;
        this.regions = List.copyOf(regions);
    }

    /** The id that was asked for. */
    public String region() {
        return region;
    }

    /** The ids that exist. */
    public List<String> regions() {
        return regions;
    }
}
