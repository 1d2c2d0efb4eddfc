package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.Checks;
import java.time.Duration;

/**
 * How long the front door waits on either side of a request.
 *
 * @param originResponse how long the front door waits for the origin to send (the next part of)
 *     its answer before it answers {@code 504 OriginTimeout}: Azure's profile setting
 *     {@code originResponseTimeoutSeconds} (default 30 s), a send/receive timeout applied to every
 *     read, not to the whole transfer, so a large download that keeps flowing is never cut; 10 ms
 *     to 1 h
 * @param requestHeaders how long a client may take to send a request's line and headers, counted
 *     from their first byte; a client still sending when it expires gets {@code 408} and its
 *     connection is closed, so a client that trickles headers byte by byte cannot hold a
 *     connection (and a thread's worth of buffers) until the idle timeout. hadr's setting (Azure
 *     documents none); default 10 s, 10 ms to 1 h
 */
public record Timeouts(Duration originResponse, Duration requestHeaders) {

    public static final Duration DEFAULT_ORIGIN_RESPONSE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_HEADERS = Duration.ofSeconds(10);
    static final Duration MIN = Duration.ofMillis(10);
    static final Duration MAX = Duration.ofHours(1);

    public Timeouts {
        Checks.between("originResponseTimeout", originResponse, MIN, MAX);
        Checks.between("requestHeadersTimeout", requestHeaders, MIN, MAX);
    }

    /** Azure's origin response timeout and hadr's request headers timeout. */
    public static Timeouts defaults() {
        return new Timeouts(DEFAULT_ORIGIN_RESPONSE, DEFAULT_REQUEST_HEADERS);
    }

    public Timeouts withOriginResponse(Duration newOriginResponse) {
        return new Timeouts(newOriginResponse, requestHeaders);
    }

    public Timeouts withRequestHeaders(Duration newRequestHeaders) {
        return new Timeouts(originResponse, newRequestHeaders);
    }
}
