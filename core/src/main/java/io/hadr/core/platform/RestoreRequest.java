package io.hadr.core.platform;

/**
 * A point-in-time restore to a new server.
 *
 * @param target where to restore to
 * @param as the new server's name, or null to let the platform choose one
 * @param fromRegion restore from this region's backup copies (geo-restore), or null for the primary's
 */
public record RestoreRequest(RestoreTarget target, String as, String fromRegion) {

    public RestoreRequest {
        if (target == null) {
            throw new IllegalArgumentException("a restore needs a target");
        }
    }
}
