package io.hadr.geodb.backup;

import java.util.Objects;

/**
 * A point-in-time restore into a new server.
 *
 * @param target where to restore to
 * @param name the new server's name, or null for one made from the time of the request
 * @param fromRegion restore from this region's store and into this region (geo-restore), or
 *     null for the primary's region
 */
public record RestoreRequest(RestoreTarget target, String name, String fromRegion) {

    public RestoreRequest {
        Objects.requireNonNull(target, "a restore needs a target");
    }
}
