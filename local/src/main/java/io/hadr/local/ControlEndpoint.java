package io.hadr.local;

import io.hadr.geodb.ProgressListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One path of the control API: its operations by HTTP method, behind the token, with failures
 * translated into {@link ControlError}s in one place.
 */
final class ControlEndpoint extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(ControlEndpoint.class);

    /** An operation that answers at once. */
    @FunctionalInterface
    interface Operation {
        Object apply(ControlCall call);
    }

    /** A long operation that reports its steps as it goes. */
    @FunctionalInterface
    interface StreamedOperation {
        Object apply(ControlCall call, ProgressListener progress);
    }

    /** An answer, and what to do once it has been written. */
    record ThenRun(Object body, Runnable afterReply) {}

    private final String token;
    private final Path logs;
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Map<String, Integer> statuses = new LinkedHashMap<>();
    private final Map<String, StreamedOperation> streamed = new LinkedHashMap<>();

    /**
     * @param token the bearer token every request must carry
     * @param logs where the environment's logs are, named in an unexpected failure's answer
     */
    ControlEndpoint(String token, Path logs) {
        this.token = token;
        this.logs = logs;
    }

    /** Answers {@code method} with 200 and what {@code operation} returns. */
    ControlEndpoint on(String method, Operation operation) {
        operations.put(method, operation);
        statuses.put(method, HttpStatus.OK_200);
        return this;
    }

    /** Answers {@code method} with a stream of steps and the result as the last line. */
    ControlEndpoint streamed(String method, StreamedOperation operation) {
        streamed.put(method, operation);
        return this;
    }

    /** Answers {@code method} with 202: the operation goes on after the answer. */
    ControlEndpoint accepted(String method, Supplier<Object> operation) {
        operations.put(method, call -> operation.get());
        statuses.put(method, HttpStatus.ACCEPTED_202);
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!authorized(request)) {
            ControlReplies.reply(
                    response,
                    callback,
                    ControlError.of(
                            ControlError.Code.UNAUTHORIZED,
                            "missing or wrong token; read it from the state directory's control.json"));
            return true;
        }
        if (streamed.containsKey(method)) {
            new ControlStream(request, response, callback, e -> error(request, e)).run(streamed.get(method));
            return true;
        }
        Operation operation = operations.get(method);
        if (operation == null) {
            Set<String> allowed = new LinkedHashSet<>(operations.keySet());
            allowed.addAll(streamed.keySet());
            ControlReplies.methodNotAllowed(request, response, callback, String.join(", ", allowed));
            return true;
        }
        Object body;
        try {
            body = operation.apply(new ControlCall(request));
        } catch (RuntimeException e) {
            body = error(request, e);
        }
        if (body instanceof ControlError error) {
            ControlReplies.reply(response, callback, error);
        } else if (body instanceof ThenRun then) {
            ControlReplies.reply(
                    response, Callback.from(callback, then.afterReply()), statuses.get(method), then.body());
        } else {
            ControlReplies.reply(response, callback, statuses.get(method), body);
        }
        return true;
    }

    /** The one place where an operation's failure becomes an answer. */
    private ControlError error(Request request, RuntimeException e) {
        if (e instanceof ControlCall.BadRequest || e instanceof BadControlRequestException) {
            return ControlError.of(ControlError.Code.BAD_REQUEST, e.getMessage());
        }
        if (e instanceof UnknownRegionException unknown) {
            return new ControlError(
                    ControlError.Code.UNKNOWN_REGION, e.getMessage(), unknown.region(), unknown.regions());
        }
        if (e instanceof FailoverDeclinedException declined) {
            return ControlError.of(
                    declined.reason() == FailoverDeclinedException.Reason.BUSY
                            ? ControlError.Code.FAILOVER_GROUP_BUSY
                            : ControlError.Code.FAILOVER_TARGET_IS_PRIMARY,
                    e.getMessage());
        }
        if (e instanceof LocalEnvironmentException) {
            return ControlError.of(ControlError.Code.REFUSED, e.getMessage());
        }
        log.warn("control request {} {} failed", request.getMethod(), ControlCall.pathOf(request), e);
        return ControlError.of(
                ControlError.Code.FAILED,
                "the environment failed: " + (e.getMessage() == null ? "an unexpected error" : e.getMessage())
                        + "; see " + logs);
    }

    private boolean authorized(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String expected = "Bearer " + token;
        return header != null
                && MessageDigest.isEqual(
                        header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
