package io.hadr.geodb;

/**
 * Base of every failure the geodb library reports. Unchecked: callers can rarely recover, and
 * the message always names the server, the operation and what to do.
 */
public class GeoDbException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GeoDbException(String message) {
        super(message);
    }

    public GeoDbException(String message, Throwable cause) {
        super(message, cause);
    }
}
