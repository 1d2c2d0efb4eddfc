package io.hadr.frontdoor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.frontdoor.ErrorInfo;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
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
        assertThat(Failures.classify(new TimeoutException("Idle timeout 2000 ms elapsed")))
                .isEqualTo(ErrorInfo.OriginTimeout);
        assertThat(Failures.classify(new SocketTimeoutException("Connect Timeout")))
                .isEqualTo(ErrorInfo.OriginTimeout);
        assertThat(Failures.classify(CLOSED)).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new EofException("reset"))).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new AsynchronousCloseException())).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new SocketException("Connection reset")))
                .isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new IOException("Broken pipe"))).isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new IllegalStateException("something odd")))
                .isEqualTo(ErrorInfo.OriginConnectionError);
        assertThat(ErrorInfo.OriginTimeout.httpStatus()).isEqualTo(504);
        assertThat(ErrorInfo.OriginConnectionRefused.httpStatus()).isEqualTo(503);
        assertThat(ErrorInfo.OriginInvalidResponse.httpStatus()).isEqualTo(502);
    }

    @Test
    void shouldClassifyInvalidAnswersByTheParsersExceptionNotItsMessage() {
        Throwable garbage = invalidAnswer(new BadMessageException(400, "whatever the text"));
        Throwable oversized = invalidAnswer(new HttpException.RuntimeException(502, "any text"));

        assertThat(Failures.classify(garbage)).isEqualTo(ErrorInfo.OriginInvalidResponse);
        assertThat(Failures.classify(oversized)).isEqualTo(ErrorInfo.OriginInvalidResponse);
        assertThat(Failures.classify(new HttpResponseException("bad", null)))
                .isEqualTo(ErrorInfo.OriginInvalidResponse);
    }

    @Test
    void shouldIgnoreMessageTextThatLooksLikeAnotherFailure() {
        assertThat(Failures.classify(new IOException("Connection refused")))
                .isEqualTo(ErrorInfo.OriginConnectionAborted);
        assertThat(Failures.classify(new IllegalStateException("connection closed")))
                .isEqualTo(ErrorInfo.OriginConnectionError);
        assertThat(Failures.isConnectFailure(new IOException("connect timed out")))
                .isFalse();
    }

    @Test
    void shouldStopAtACycleInTheCauseChain() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second", first);
        first.initCause(second);

        assertThat(Failures.classify(first)).isEqualTo(ErrorInfo.OriginConnectionError);
    }

    private static Throwable invalidAnswer(Throwable parserFailure) {
        return new ExecutionException(
                new HttpResponseException("HTTP protocol violation: bad response", null, parserFailure));
    }

    @Test
    void shouldTreatOnlyConnectFailuresAsNeverReachingTheOrigin() {
        assertThat(Failures.isConnectFailure(REFUSED)).isTrue();
        assertThat(Failures.isConnectFailure(new SocketTimeoutException("Connect Timeout")))
                .isTrue();
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
    void shouldRetryOnlyWhereItIsSafe(
            String method, String failure, boolean responseBegun, boolean bodyTouched, boolean expected) {
        Throwable cause = switch (failure) {
            case "refused" -> REFUSED;
            case "closed" -> CLOSED;
            default -> new TimeoutException("Idle timeout");
        };

        boolean retryable = Failures.isRetryable(method, cause, responseBegun, bodyTouched);

        assertThat(retryable).isEqualTo(expected);
    }
}
