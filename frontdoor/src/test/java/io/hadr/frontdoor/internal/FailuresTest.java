package io.hadr.frontdoor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.frontdoor.ErrorInfo;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailuresTest {

    private static final Throwable REFUSED = new ConnectException("Connection refused");
    private static final Throwable CLOSED = new EOFException("HttpConnectionOverHTTP@1 closed");

    @Test
    void shouldMapFailuresToAzureErrorInfoAndStatus() {
        assertThat(Failures.classify(REFUSED)).isEqualTo(ErrorInfo.OriginConnectionRefused);
        assertThat(Failures.classify(new ExecutionException(REFUSED))).isEqualTo(ErrorInfo.OriginConnectionRefused);
        assertThat(Failures.classify(new TimeoutException("Idle timeout 2000 ms elapsed"))).isEqualTo(ErrorInfo.OriginTimeout);
        assertThat(Failures.classify(new SocketTimeoutException("Connect Timeout"))).isEqualTo(ErrorInfo.OriginTimeout);
        assertThat(Failures.classify(CLOSED)).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new AsynchronousCloseException())).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new IOException("Connection reset by peer"))).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new IOException("something odd"))).isEqualTo(ErrorInfo.OriginConnectionError);
        assertThat(ErrorInfo.OriginTimeout.httpStatus()).isEqualTo(504);
        assertThat(ErrorInfo.OriginConnectionRefused.httpStatus()).isEqualTo(503);
        assertThat(ErrorInfo.OriginInvalidResponse.httpStatus()).isEqualTo(502);
    }

    @Test
    void shouldTreatOnlyConnectFailuresAsNeverReachingTheOrigin() {
        assertThat(Failures.isConnectFailure(REFUSED)).isTrue();
        assertThat(Failures.isConnectFailure(new SocketTimeoutException("Connect Timeout"))).isTrue();
        assertThat(Failures.isConnectFailure(CLOSED)).isFalse();
        assertThat(Failures.isConnectFailure(new TimeoutException())).isFalse();
    }

    @ParameterizedTest(name = "{0} {1} begun={2} bodyTouched={3} -> {4}")
    @CsvSource({
        "POST,   refused, false, false, true",
        "PATCH,  refused, false, false, true",
        "GET,    refused, false, false, true",
        "POST,   refused, false, true,  false",
        "GET,    closed,  false, false, true",
        "HEAD,   closed,  false, false, true",
        "OPTIONS,closed,  false, false, true",
        "PUT,    closed,  false, false, true",
        "DELETE, closed,  false, false, true",
        "PUT,    closed,  false, true,  false",
        "POST,   closed,  false, false, false",
        "PATCH,  closed,  false, false, false",
        "GET,    closed,  true,  false, false",
        "GET,    timeout, false, false, false",
        "GET,    refused, true,  false, false",
    })
    void shouldRetryOnlyWhereItIsSafe(String method, String failure, boolean responseBegun, boolean bodyTouched, boolean expected) {
        Throwable cause = switch (failure) {
            case "refused" -> REFUSED;
            case "closed" -> CLOSED;
            default -> new TimeoutException("Idle timeout");
        };

        boolean retryable = Failures.isRetryable(method, cause, responseBegun, bodyTouched);

        assertThat(retryable).isEqualTo(expected);
    }
}
