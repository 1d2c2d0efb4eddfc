package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections with a deadline for completing a request's line and headers, counted from
 * their first byte. The idle timeout restarts with every byte, so without this a client that
 * trickles its headers a byte at a time would hold a connection (and its buffers) for as long as
 * it likes; with it, such a client gets {@code 408} and its connection is closed. A connection
 * that sits idle between requests is left to the idle timeout.
 *
 * <p>Jetty's {@code HttpConnection} lives in an {@code internal} package, but it is the documented
 * way to customize HTTP/1.1 connections through {@link HttpConnectionFactory#newConnection}; the
 * only thing used here is its parser's state, read after each fill.
 */
public final class RequestHeadersDeadline extends HttpConnectionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeadersDeadline.class);

    private final Duration timeout;
    private final AzureRefs azureRefs;
    private final FrontDoorMetrics metrics;

    public RequestHeadersDeadline(HttpConfiguration config, Duration timeout, AzureRefs azureRefs,
            FrontDoorMetrics metrics) {
        super(config);
        this.timeout = timeout;
        this.azureRefs = azureRefs;
        this.metrics = metrics;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        DeadlineConnection connection = new DeadlineConnection(getHttpConfiguration(), connector, endPoint,
                connector.getScheduler());
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private final class DeadlineConnection extends HttpConnection {

        private final Scheduler scheduler;
        private final AtomicReference<Scheduler.Task> deadline = new AtomicReference<>();

        DeadlineConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Scheduler scheduler) {
            super(config, connector, endPoint);
            this.scheduler = scheduler;
        }

        @Override
        public void onFillable() {
            super.onFillable();
            if (inPartialHeaders()) {
                if (deadline.get() == null) {
                    Scheduler.Task task = scheduler.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (!deadline.compareAndSet(null, task)) {
                        task.cancel();
                    }
                }
            } else {
                Scheduler.Task task = deadline.getAndSet(null);
                if (task != null) {
                    task.cancel();
                }
            }
        }

        @Override
        public void onClose(Throwable cause) {
            Scheduler.Task task = deadline.getAndSet(null);
            if (task != null) {
                task.cancel();
            }
            super.onClose(cause);
        }

        /** Some of a request has arrived, but not all of its line and headers. */
        private boolean inPartialHeaders() {
            HttpParser parser = getParser();
            return !parser.isStart() && parser.inHeaderState();
        }

        private void expire() {
            deadline.set(null);
            if (!inPartialHeaders()) {
                return;
            }
            LOG.debug("{}: request headers not complete within {}; answering 408", getEndPoint(), Checks.human(timeout));
            metrics.countErrorResponse(ErrorInfo.UnspecifiedClientError);
            // No request exists yet, so the answer is written to the connection directly; nothing else writes
            // to it before a request's headers are complete.
            int status = HttpStatus.REQUEST_TIMEOUT_408;
            String body = ErrorAnswers.json(status, ErrorInfo.UnspecifiedClientError,
                    "the request headers were not complete within " + Checks.human(timeout), null, azureRefs.next());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                    + ErrorAnswers.ERROR_INFO_HEADER + ": " + ErrorInfo.UnspecifiedClientError.name() + "\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            EndPoint endPoint = getEndPoint();
            endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close(failure)),
                    ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(bytes));
        }
    }
}
