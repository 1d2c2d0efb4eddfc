package io.hadr.local;

import io.hadr.core.platform.FailoverMode;

/** The body of {@code POST /v1/db/failover}. */
public record FailoverRequest(FailoverMode mode) {

    public FailoverRequest {
        if (mode == null) {
            throw new IllegalArgumentException("a failover needs a mode: PLANNED, FORCED or TRY_PLANNED");
        }
    }
}
