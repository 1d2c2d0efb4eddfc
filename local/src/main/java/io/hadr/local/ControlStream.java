package io.hadr.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed answer of the control API ({@code application/x-ndjson}, one
 * {@link ControlServer.StreamLine} per step). Nothing is sent before the first step, so that input
 * refused at once is an ordinary error answer; after it, the status is sent and the end is a line.
 */
final class ControlStream {

    private static final Logger log = LoggerFactory.getLogger(ControlStream.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Function<RuntimeException, ControlError> errors;
    private boolean started;
    private boolean broken;

    /** @param errors how an operation's failure becomes an answer */
    ControlStream(
            Request request, Response response, Callback callback, Function<RuntimeException, ControlError> errors) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.errors = errors;
    }

    /** Runs the operation, streaming its steps and then its result or its error. */
    void run(ControlEndpoint.StreamedOperation operation) {
        Object result;
        try {
            result = operation.apply(
                    new ControlCall(request),
                    (step, elapsed) -> line(new ControlServer.StreamLine(step, elapsed.toMillis(), null, null), false));
        } catch (RuntimeException e) {
            ControlError error = errors.apply(e);
            if (!started) {
                ControlReplies.reply(response, callback, error);
            } else {
                line(new ControlServer.StreamLine(null, null, null, error), true);
                end();
            }
            return;
        }
        line(new ControlServer.StreamLine(null, null, JSON.valueToTree(result), null), true);
        end();
    }

    private void line(ControlServer.StreamLine line, boolean last) {
        if (broken) {
            return;
        }
        try {
            if (!started) {
                started = true;
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
            }
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            Content.Sink.write(response, last, ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            // The client went away; the operation goes on (a restore is not cut half-way).
            broken = true;
            log.info(
                    "control stream {} {} lost its client: {}",
                    request.getMethod(),
                    ControlCall.pathOf(request),
                    e.toString());
        }
    }

    private void end() {
        if (broken) {
            callback.failed(new IOException("the client went away"));
        } else {
            callback.succeeded();
        }
    }
}
