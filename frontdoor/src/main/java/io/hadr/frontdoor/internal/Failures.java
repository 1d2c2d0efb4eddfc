package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The one place where a failure towards an origin becomes Azure's error info (and so an HTTP
 * status), and where it is decided whether a failed request may be retried on another origin.
 */
public final class Failures {

    /** RFC 9110 idempotent methods, as named in issue 3 (GET, HEAD, OPTIONS, PUT, DELETE; TRACE too). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private Failures() {
    }

    /** Azure's error info for a failure of the request to an origin. */
    public static ErrorInfo classify(Throwable failure) {
        if (isConnectFailure(failure)) {
            return hasCause(failure, SocketTimeoutException.class) ? ErrorInfo.OriginTimeout : ErrorInfo.OriginConnectionRefused;
        }
        if (hasCause(failure, TimeoutException.class) || hasCause(failure, SocketTimeoutException.class)) {
            return ErrorInfo.OriginTimeout;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String type = cause.getClass().getName();
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (type.endsWith("HttpResponseException") || type.endsWith("BadMessageException")) {
                return message.contains("too large") ? ErrorInfo.ResponseHeaderTooBig : ErrorInfo.OriginInvalidResponse;
            }
        }
        if (isClosedEarly(failure)) {
            return ErrorInfo.OriginConnectionAborted;
        }
        return ErrorInfo.OriginConnectionError;
    }

    /** The connection to the origin could not be opened at all, so nothing of the request reached it. */
    public static boolean isConnectFailure(Throwable failure) {
        if (hasCause(failure, ConnectException.class) || hasCause(failure, NoRouteToHostException.class)
                || hasCause(failure, UnknownHostException.class) || hasCause(failure, UnresolvedAddressException.class)) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
                return true;
            }
        }
        return false;
    }

    /** The connection closed or was reset before the exchange completed. */
    static boolean isClosedEarly(Throwable failure) {
        if (hasCause(failure, EOFException.class) || hasCause(failure, ClosedChannelException.class)) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("reset") || message.contains("broken pipe") || message.contains("closed")) {
                    return true;
                }
            }
        }
        return false;
    }

    public static boolean isIdempotent(String method) {
        return IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * hadr's retry rule (issue 3, item 5): retry once on the next origin when the connection could
     * not be opened (any method), or when it closed before any response header for an idempotent
     * method; never after response headers arrived, and never once the request body has started
     * to be read, because it cannot be sent twice.
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

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
