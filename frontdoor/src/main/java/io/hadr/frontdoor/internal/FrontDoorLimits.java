package io.hadr.frontdoor.internal;

/**
 * Sizes the front door accepts, on both legs. Every limit on the client's request is checked at
 * the front door (answered 414 or 431 with {@code InvalidRequest}), and the proxy client towards
 * origins accepts more than that plus what the front door adds, so that a client's large request
 * is never sent on, half-generated, and blamed on an origin.
 */
public final class FrontDoorLimits {

    /**
     * Azure Front Door's documented limit on the raw URL (scheme, host, port, path and query):
     * 8,192 bytes; longer is answered 414.
     */
    public static final int MAX_URL_BYTES = 8192;
    /** Azure Front Door's documented limit on the query string: 4,096 bytes; longer is answered 414. */
    public static final int MAX_QUERY_BYTES = 4096;
    /**
     * The most request line and headers a client may send together (else 431, or 414 when the
     * request line alone exceeds it). Azure documents 32 KB per header; hadr applies it to all of
     * them together.
     */
    public static final int MAX_REQUEST_HEADERS_BYTES = 32 * 1024;
    /** The most response headers an origin may send (else 502 {@code OriginInvalidResponse}). */
    public static final int MAX_RESPONSE_HEADERS_BYTES = 32 * 1024;
    /** Room for the headers the front door adds on either leg (Via, X-Azure-*, X-Forwarded-*, X-Cache...). */
    public static final int ADDED_HEADERS_BYTES = 8 * 1024;

    private FrontDoorLimits() {}
}
