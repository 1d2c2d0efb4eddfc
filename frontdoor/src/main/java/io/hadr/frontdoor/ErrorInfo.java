package io.hadr.frontdoor;

/**
 * Why the front door answered a request itself instead of relaying the origin's answer.
 *
 * <p>The names are Azure Front Door's own {@code ErrorInfo} values (access log field, see "Azure
 * Front Door logs" in the Azure documentation), except {@link #NoEligibleOrigin}, which is hadr's:
 * Azure documents no value for "every origin is disabled". The front door sends the name in the
 * {@value FrontDoor#ERROR_INFO_HEADER} response header and in a one-line plain-text body.
 *
 * <p>The HTTP status follows Azure: {@code 504} for {@code OriginTimeout}, {@code 503} for failures
 * to reach or keep a connection to the origin, {@code 502} for an origin answer that is not valid
 * HTTP.
 */
public enum ErrorInfo {
    /** The connection to the origin could not be established (refused, unreachable). */
    OriginConnectionRefused(503),
    /** The connection to the origin closed or reset before the response was complete. */
    OriginConnectionAborted(503),
    /** Any other failure of the connection to the origin. */
    OriginConnectionError(503),
    /** The origin did not answer (or stopped sending) within the origin response timeout. */
    OriginTimeout(504),
    /**
     * The origin answered with something that is not a valid HTTP response, including response
     * headers larger than the front door accepts (Azure names that case {@code ResponseHeaderTooBig};
     * Jetty's parser does not tell the two apart by type, and both are answered with 502).
     */
    OriginInvalidResponse(502),
    /** hadr's value: no origin is enabled, so there is nowhere to send the request. */
    NoEligibleOrigin(503),
    /** The client went away before the response was delivered; no response is sent. */
    ClientDisconnected(499);

    private final int httpStatus;

    ErrorInfo(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the front door answers with for this error. */
    public int httpStatus() {
        return httpStatus;
    }
}
