package io.hadr.geodb;

/**
 * A wait with a deadline expired (server readiness, replication catch-up, shutdown). The message
 * holds what was awaited, the time waited and the last state or error seen.
 */
public class GeoDbTimeoutException extends GeoDbException {

    private static final long serialVersionUID = 1L;

    public GeoDbTimeoutException(String message, Throwable lastCause) {
        super(message, lastCause);
    }
}
