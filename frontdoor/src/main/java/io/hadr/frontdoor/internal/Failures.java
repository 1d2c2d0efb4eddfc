package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpRequestException;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.http.HttpException;

/**
 * The one place where a failure towards an origin becomes Azure's error info (and so an HTTP
 * status), and where it is decided whether a failed request may be retried on another origin.
 *
 * <p>Failures are told apart by the types in their cause chain, never by message text, which
 * changes between library and JDK versions. What Jetty's client reports, by type:
 *
 * <ul>
 *   <li>the origin's answer is not valid HTTP, or its headers are too large:
 *       {@link HttpResponseException} wrapping the parser's {@link HttpException} (a
 *       {@code BadMessageException} or its parent);</li>
 *   <li>no answer in time: {@link TimeoutException} (idle timeout of the connection, which is the
 *       origin response timeout);</li>
 *   <li>no connection: {@link ConnectException} (refused), {@link NoRouteToHostException},
 *       {@link UnknownHostException}, {@link UnresolvedAddressException}, or
 *       {@link SocketTimeoutException}, which Jetty raises only when a connect times out;</li>
 *   <li>the connection ended early: an {@link IOException} on an open connection, such as
 *       {@code EOFException}/{@code EofException} (closed), {@code ClosedChannelException},
 *       {@code SocketException} (reset) or a failed write.</li>
 * </ul>
 */
public final class Failures {

    /** RFC 9110 §9.2.2 idempotent methods, which may be sent twice without changing the outcome. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private Failures() {}

    /** Azure's error info for a failure of the request to an origin. */
    public static ErrorInfo classify(Throwable failure) {
        if (cause(failure, HttpRequestException.class) != null) {
            // The request could not be sent as the client made it: the client's doing, not the origin's. The
            // front door's limits make this unreachable; should it happen anyway, no origin is blamed.
            return ErrorInfo.InvalidRequest;
        }
        if (cause(failure, HttpException.class) != null || cause(failure, HttpResponseException.class) != null) {
            // Also when the headers were larger than the front door accepts: Jetty's parser reports that with
            // the same type as any other malformed answer, and Azure answers both with 502.
            return ErrorInfo.OriginInvalidResponse;
        }
        if (cause(failure, TimeoutException.class) != null || cause(failure, SocketTimeoutException.class) != null) {
            return ErrorInfo.OriginTimeout;
        }
        if (isConnectFailure(failure)) {
            return ErrorInfo.OriginConnectionRefused;
        }
        if (cause(failure, IOException.class) != null) {
            return ErrorInfo.OriginConnectionAborted;
        }
        return ErrorInfo.OriginConnectionError;
    }

    /** The connection to the origin could not be opened at all, so nothing of the request reached it. */
    public static boolean isConnectFailure(Throwable failure) {
        return cause(failure, ConnectException.class) != null
                || cause(failure, NoRouteToHostException.class) != null
                || cause(failure, UnknownHostException.class) != null
                || cause(failure, UnresolvedAddressException.class) != null
                || cause(failure, SocketTimeoutException.class) != null;
    }

    public static boolean isIdempotent(String method) {
        return IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * hadr's retry rule: retry once on the next origin when the connection could not be opened
     * (any method), or when it ended before any response header for an idempotent method; never
     * after response headers arrived, never after a timeout (the origin may still be working on
     * it), and never once the request body has started to be read, because it cannot be sent
     * twice.
     */
    public static boolean isRetryable(String method, Throwable failure, boolean responseBegun, boolean bodyTouched) {
        if (responseBegun || bodyTouched) {
            return false;
        }
        if (isConnectFailure(failure)) {
            return true;
        }
        return isIdempotent(method) && classify(failure) == ErrorInfo.OriginConnectionAborted;
    }

    /** The first throwable of the given type in the cause chain (suppressed ones aside), or null. */
    private static <T> T cause(Throwable failure, Class<T> type) {
        Set<Throwable> seen = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (seen == null) {
                seen = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            if (!seen.add(cause)) {
                return null; // a cycle in the cause chain
            }
        }
        return null;
    }
}
