package io.hadr.frontdoor;

/**
 * Why the front door answered a request itself instead of relaying the origin's answer.
 *
 * <p>The names are Azure Front Door's own {@code ErrorInfo} values (access log field, see "Azure
 * Front Door logs" in the Azure documentation), except {@link #NoEligibleOrigin}, which is hadr's:
 * Azure documents no value for "every origin is disabled". The front door sends the name in the
 * {@value FrontDoor#ERROR_INFO_HEADER} response header and in its JSON error body.
 *
 * <p>The HTTP status follows Azure: {@code 504} for {@code OriginTimeout}, {@code 503} for failures
 * to reach or keep a connection to the origin, {@code 502} for an origin answer that is not valid
 * HTTP; {@code 4xx} for a request the front door refuses before any origin sees it.
 */
public enum ErrorInfo {
    /** The connection to the origin could not be established (refused, unreachable). */
    OriginConnectionRefused(503, true, "the front door could not connect to the origin"),
    /** The connection to the origin closed or reset before the response was complete. */
    OriginConnectionAborted(503, true, "the connection to the origin closed before its answer was complete"),
    /** Any other failure of the connection to the origin. */
    OriginConnectionError(503, true, "the connection to the origin failed"),
    /** The origin did not answer (or stopped sending) within the origin response timeout. */
    OriginTimeout(504, true, "the origin did not answer within the origin response timeout"),
    /**
     * The origin answered with something that is not a valid HTTP response, including response
     * headers larger than the front door accepts (Azure names that case {@code ResponseHeaderTooBig};
     * Jetty's parser does not tell the two apart by type, and both are answered with 502).
     */
    OriginInvalidResponse(502, true, "the origin's answer was not a valid HTTP response the front door accepts"),
    /** hadr's value: no origin is enabled, so there is nowhere to send the request. */
    NoEligibleOrigin(503, false, "no origin is enabled"),
    /**
     * The client's request is malformed or beyond the front door's limits (URL, query string or
     * headers too long); answered with 400, 414 or 431 before any origin sees it.
     */
    InvalidRequest(400, false, "the request is not valid HTTP or exceeds the front door's limits"),
    /** The client did not send a complete request in time (answered 408). */
    UnspecifiedClientError(400, false, "the client did not send a complete request"),
    /** The client went away before the response was delivered; no response is sent. */
    ClientDisconnected(499, false, "the client went away"),
    /** The front door itself failed; answered with 500. */
    UnspecifiedError(500, false, "the front door could not handle the request");

    private final int httpStatus;
    private final boolean blamesOrigin;
    private final String description;

    ErrorInfo(int httpStatus, boolean blamesOrigin, String description) {
        this.httpStatus = httpStatus;
        this.blamesOrigin = blamesOrigin;
        this.description = description;
    }

    /** The HTTP status the front door answers with for this error (a 4xx value may be refined, e.g. 414, 431). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether this error counts as a failure of the origin (in its status and metrics). */
    public boolean blamesOrigin() {
        return blamesOrigin;
    }

    /** What went wrong, in words, for the error body. */
    public String description() {
        return description;
    }
}
