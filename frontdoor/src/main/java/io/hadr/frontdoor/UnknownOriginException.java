package io.hadr.frontdoor;

import java.util.Collection;

/** An operation named an origin that the front door does not have. */
public class UnknownOriginException extends FrontDoorException {

    private static final long serialVersionUID = 1L;

    private final String origin;

    private UnknownOriginException(String origin, String message) {
        super(message, null);
        this.origin = origin;
    }

    public static UnknownOriginException unknownOrigin(String origin, Collection<String> knownOrigins) {
        return new UnknownOriginException(
                origin,
                "no origin named '" + origin + "'; the front door has "
                        + (knownOrigins.isEmpty() ? "none" : String.join(", ", knownOrigins)));
    }

    /** The name that was not found. */
    public String origin() {
        return origin;
    }
}
