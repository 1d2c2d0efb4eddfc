package io.hadr.local;

import io.hadr.core.platform.FailoverMode;

/**
 * The body of {@code POST /v1/db/failover}.
 *
 * @param mode planned, forced or try-planned
 * @param to the region whose server is to become primary, as Azure sends a failover to the
 *     secondary; null for the server that is secondary when the request arrives
 */
public record FailoverRequest(FailoverMode mode, String to) {

    public FailoverRequest {
        if (mode == null) {
            throw new IllegalArgumentException("a failover needs a mode: PLANNED, FORCED or TRY_PLANNED");
        }
    }

    /** A failover to whichever server is secondary when it arrives. */
    public FailoverRequest(FailoverMode mode) {
        this(mode, null);
    }
}
