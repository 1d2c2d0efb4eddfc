package io.hadr.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API of a running environment, on loopback only, protected by a bearer token that
 * is written (owner-readable only) into the state directory's control file. Other {@code hadr}
 * commands and {@link LocalPlatform} use it through {@link ControlClient}. Bodies are the shared
 * records, written and read with {@link Json#mapper()}; every error is a {@link ControlError}.
 *
 * <pre>
 * GET  /v1/status                         EnvironmentStatus
 * GET  /v1/topology                       Topology the environment runs
 * POST /v1/apps/{region}/{action}         stop | start | restart | kill → AppActionResult
 * POST /v1/scale/{region}                 body ScaleRequest → ScaleResult
 * POST /v1/regions/{region}/{action}      down | up → RegionActionResult
 * POST /v1/frontdoor/origins/{region}     body OriginChange → EnvironmentStatus.OriginStatus
 * GET  /v1/db/status                      EnvironmentStatus.DatabaseStatus
 * POST /v1/db/failover                    body FailoverRequest → FailoverResult
 * GET  /v1/link                           EnvironmentStatus.LinkStatus
 * POST /v1/link                           body LinkFault (latency, partition, heal) → EnvironmentStatus.LinkStatus
 * GET  /v1/db/backups                     BackupCatalog: base backups, marks, stores, restorable range
 * POST /v1/db/backups                     streamed → BaseBackupInfo (a base backup now)
 * POST /v1/db/marks                       body MarkRequest → RestoreMark
 * GET  /v1/db/restores                    Restores
 * POST /v1/db/restores                    body RestoreRequest, streamed → RestoreResult
 * DELETE /v1/db/restores/{name}           Dropped
 * POST /v1/db/restores/{name}/adopt       streamed → AdoptReport
 * POST /v1/db/verify-backups              body VerifyRequest, streamed → VerifyReport
 * POST /v1/db/sql                         body SqlRequest → SqlResult
 * POST /v1/shutdown                       202 Stopping; the environment stops afterwards
 * GET  /metrics                           Prometheus text of the front door (no token: read-only, loopback only)
 * </pre>
 *
 * <p>A streamed operation (a restore takes from seconds to minutes) answers
 * {@code application/x-ndjson}: one {@link StreamLine} per step as it happens, and a last line
 * with the result or the error. A failure before the first step is an ordinary error answer; a
 * stream without a last line was cut and is reported as such by the client.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final ObjectMapper JSON = Json.mapper();
    /** Request bodies are small records; anything larger is not one of them. */
    private static final int MAX_BODY = 64 * 1024;

    /** The answer to {@code POST /v1/shutdown}: the environment's process that is stopping. */
    public record Stopping(long pid) {}

    /**
     * One line of a streamed answer: a step ({@code step}, {@code atMs} since the operation
     * began), or the end: {@code result} (the operation's answer) or {@code error}.
     */
    public record StreamLine(String step, Long atMs, com.fasterxml.jackson.databind.JsonNode result, ControlError error) {}

    private final LocalEnvironment environment;
    private final Runnable shutdownRequested;
    private final String token;
    private final Server server;

    private ControlServer(LocalEnvironment environment, Runnable shutdownRequested, int port) {
        this.environment = environment;
        this.shutdownRequested = shutdownRequested;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("hadr-control");
        threads.setDaemon(true);
        this.server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        // An app start waits up to 90 s for health; the connection must outlive that silence.
        connector.setIdleTimeout(600_000);
        server.addConnector(connector);
        server.setHandler(routes());
        server.setErrorHandler(new JsonErrors());
    }

    /**
     * Starts the API and publishes its address and token in the state directory.
     *
     * @param shutdownRequested called (on another thread) when a client asks the environment to stop;
     *     null when the environment belongs to a program that stops it itself (a refused request then)
     */
    public static ControlServer start(LocalEnvironment environment, int port, Runnable shutdownRequested) {
        ControlServer control = new ControlServer(environment, shutdownRequested, port);
        try {
            control.server.start();
        } catch (Exception e) {
            throw new LocalEnvironmentException("cannot start the control API on port " + port + ": " + e.getMessage()
                    + (port != 0 ? "; set local.controlPort to a free port, or 0" : ""), e);
        }
        environment.stateDir().writeControl(new StateDir.ControlFile(ProcessHandle.current().pid(),
                control.url(), control.token, Instant.now()));
        log.info("control API on {}", control.url());
        return control;
    }

    public String url() {
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + connector.getLocalPort();
    }

    @Override
    public void close() {
        environment.stateDir().deleteControl();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the control API: {}", e.getMessage());
        }
    }

    private Handler routes() {
        PathMappingsHandler routes = new PathMappingsHandler();
        routes.addMapping(new ServletPathSpec("/metrics"), new Metrics());
        routes.addMapping(new UriTemplatePathSpec("/v1/status"), new Endpoint().on("GET", call -> environment.status()));
        routes.addMapping(new UriTemplatePathSpec("/v1/topology"), new Endpoint().on("GET", call -> environment.topology()));
        routes.addMapping(new UriTemplatePathSpec("/v1/apps/{region}/{action}"), new Endpoint().on("POST", call ->
                environment.app(call.path("region"), call.path("action", AppAction::fromWord))));
        routes.addMapping(new UriTemplatePathSpec("/v1/regions/{region}/{action}"), new Endpoint().on("POST", call ->
                environment.region(call.path("region"), call.path("action", RegionAction::fromWord))));
        routes.addMapping(new UriTemplatePathSpec("/v1/frontdoor/origins/{region}"), new Endpoint().on("POST", call ->
                environment.updateOrigin(call.path("region"), call.body(OriginChange.class))));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/status"), new Endpoint().on("GET", call -> environment.databaseStatus()));
        routes.addMapping(new UriTemplatePathSpec("/v1/scale/{region}"), new Endpoint().on("POST", call ->
                environment.scale(call.path("region"), call.body(ScaleRequest.class).instances())));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/failover"), new Endpoint().on("POST", call -> {
            FailoverRequest request = call.body(FailoverRequest.class);
            return environment.failover(request.mode(), request.to());
        }));
        routes.addMapping(new UriTemplatePathSpec("/v1/link"), new Endpoint()
                .on("GET", call -> environment.linkStatus())
                .on("POST", call -> {
                    LinkFault fault = call.body(LinkFault.class);
                    try {
                        return environment.link(fault);
                    } catch (IllegalArgumentException e) {
                        throw new BadRequest(e.getMessage(), e);
                    }
                }));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/backups"), new Endpoint()
                .on("GET", call -> environment.backups().catalog())
                .streamed("POST", (call, progress) -> environment.backups().backup(progress)));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/marks"), new Endpoint().on("POST", call ->
                environment.backups().mark(call.body(LocalBackups.MarkRequest.class).name())));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/restores"), new Endpoint()
                .on("GET", call -> environment.backups().restores())
                .streamed("POST", (call, progress) -> environment.backups().restore(
                        call.body(io.hadr.core.platform.RestoreRequest.class), progress)));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/restores/{name}"), new Endpoint().on("DELETE", call ->
                environment.backups().drop(call.path("name"))));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/restores/{name}/adopt"), new Endpoint().streamed("POST",
                (call, progress) -> environment.backups().adopt(call.path("name"), progress)));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/verify-backups"), new Endpoint().streamed("POST",
                (call, progress) -> environment.backups().verify(call.body(LocalBackups.VerifyRequest.class).region(),
                        progress)));
        routes.addMapping(new UriTemplatePathSpec("/v1/db/sql"), new Endpoint().on("POST", call -> {
            LocalBackups.SqlRequest request = call.body(LocalBackups.SqlRequest.class);
            return environment.backups().sql(request.target(), request.statement());
        }));
        routes.addMapping(new UriTemplatePathSpec("/v1/shutdown"), new Endpoint().accepted("POST", () -> {
            if (shutdownRequested == null) {
                throw new LocalEnvironmentException("this environment was started by another program (pid "
                        + ProcessHandle.current().pid() + ", e.g. a drill) and stops when it ends");
            }
            // Only once the answer is written: stopping takes this server down, and a client cut
            // off before its 202 would report a failure although the environment stops.
            return new ThenRun(new Stopping(ProcessHandle.current().pid()),
                    () -> new Thread(shutdownRequested, "hadr-shutdown-request").start());
        }));
        // Everything else: the default mapping, matched last.
        routes.addMapping(new ServletPathSpec("/"), new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                reply(response, callback, ControlError.of(ControlError.Code.NOT_FOUND, "no such control operation: "
                        + request.getMethod() + " " + pathOf(request)));
                return true;
            }
        });
        return routes;
    }

    /** A request's parameters, parsed where they are read: what cannot be parsed is the client's error. */
    private static final class Call {
        private final Request request;
        private final Map<String, String> pathParameters;

        Call(Request request) {
            this.request = request;
            Object spec = request.getAttribute(PathMappingsHandler.PATHSPEC_ATTR);
            this.pathParameters = spec instanceof UriTemplatePathSpec template
                    ? template.getPathParams(pathOf(request)) : Map.of();
        }

        String path(String name) {
            return pathParameters.get(name);
        }

        <T> T path(String name, Function<String, T> parse) {
            try {
                return parse.apply(path(name));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage(), e);
            }
        }

        <T> T body(Class<T> type) {
            if (request.getLength() > MAX_BODY) {
                throw new BadRequest("the body is larger than " + MAX_BODY + " bytes", null);
            }
            try {
                String text = Content.Source.asString(request, StandardCharsets.UTF_8);
                if (text.length() > MAX_BODY) {
                    throw new BadRequest("the body is larger than " + MAX_BODY + " bytes", null);
                }
                // Strict, unlike answers: a misspelt field or trailing text is a mistake to report, not to ignore.
                T value = JSON.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                        .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readValue(text);
                if (value == null) {
                    throw new BadRequest("the body must be a " + type.getSimpleName() + " object", null);
                }
                return value;
            } catch (JsonProcessingException e) {
                // A record's own check (e.g. a weight out of range) is the clearest message there is.
                Throwable cause = e.getCause() instanceof IllegalArgumentException bad ? bad : e;
                String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
                throw new BadRequest("the body is not a valid " + type.getSimpleName() + ": " + message, e);
            } catch (IOException e) {
                throw new BadRequest("the body could not be read: " + e.getMessage(), e);
            }
        }
    }

    /** Input the operation cannot accept: answered 400. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    private interface Operation {
        Object apply(Call call);
    }

    /** A long operation that reports its steps as it goes. */
    @FunctionalInterface
    private interface StreamedOperation {
        Object apply(Call call, io.hadr.geodb.ProgressListener progress);
    }

    /** One path: its operations by HTTP method, behind the token, with failures translated into {@link ControlError}s. */
    /** An answer, and what to do once it has been written. */
    private record ThenRun(Object body, Runnable afterReply) {}

    private final class Endpoint extends Handler.Abstract {
        private final Map<String, Operation> operations = new LinkedHashMap<>();
        private final Map<String, Integer> statuses = new LinkedHashMap<>();
        private final Map<String, StreamedOperation> streamed = new LinkedHashMap<>();

        Endpoint streamed(String method, StreamedOperation operation) {
            streamed.put(method, operation);
            return this;
        }

        Endpoint on(String method, Operation operation) {
            operations.put(method, operation);
            statuses.put(method, HttpStatus.OK_200);
            return this;
        }

        Endpoint accepted(String method, java.util.function.Supplier<Object> operation) {
            operations.put(method, call -> operation.get());
            statuses.put(method, HttpStatus.ACCEPTED_202);
            return this;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            if (!authorized(request)) {
                reply(response, callback, ControlError.of(ControlError.Code.UNAUTHORIZED,
                        "missing or wrong token; read it from the state directory's control.json"));
                return true;
            }
            if (streamed.containsKey(method)) {
                new Stream(request, response, callback).run(streamed.get(method));
                return true;
            }
            Operation operation = operations.get(method);
            if (operation == null) {
                java.util.Set<String> allowed = new java.util.LinkedHashSet<>(operations.keySet());
                allowed.addAll(streamed.keySet());
                methodNotAllowed(request, response, callback, String.join(", ", allowed));
                return true;
            }
            Object body;
            try {
                body = operation.apply(new Call(request));
            } catch (RuntimeException e) {
                body = error(request, e);
            }
            if (body instanceof ControlError error) {
                reply(response, callback, error);
            } else if (body instanceof ThenRun then) {
                reply(response, Callback.from(callback, then.afterReply()), statuses.get(method), then.body());
            } else {
                reply(response, callback, statuses.get(method), body);
            }
            return true;
        }

        /** The one place where an operation's failure becomes an answer. */
        private ControlError error(Request request, RuntimeException e) {
            if (e instanceof BadRequest || e instanceof BadControlRequestException) {
                return ControlError.of(ControlError.Code.BAD_REQUEST, e.getMessage());
            }
            if (e instanceof UnknownRegionException unknown) {
                return new ControlError(ControlError.Code.UNKNOWN_REGION, e.getMessage(), unknown.region(), unknown.regions());
            }
            if (e instanceof FailoverDeclinedException declined) {
                return ControlError.of(declined.reason() == FailoverDeclinedException.Reason.BUSY
                        ? ControlError.Code.FAILOVER_GROUP_BUSY : ControlError.Code.FAILOVER_TARGET_IS_PRIMARY, e.getMessage());
            }
            if (e instanceof LocalEnvironmentException) {
                return ControlError.of(ControlError.Code.REFUSED, e.getMessage());
            }
            log.warn("control request {} {} failed", request.getMethod(), pathOf(request), e);
            return ControlError.of(ControlError.Code.FAILED, "the environment failed: "
                    + (e.getMessage() == null ? "an unexpected error" : e.getMessage())
                    + "; see " + environment.stateDir().logs());
        }

        /**
         * One streamed answer. Nothing is sent before the first step, so that input refused at
         * once is an ordinary error answer; after it, the status is sent and the end is a line.
         */
        private final class Stream {
            private final Request request;
            private final Response response;
            private final Callback callback;
            private boolean started;
            private boolean broken;

            Stream(Request request, Response response, Callback callback) {
                this.request = request;
                this.response = response;
                this.callback = callback;
            }

            void run(StreamedOperation operation) {
                Object result;
                try {
                    result = operation.apply(new Call(request), (step, elapsed) -> line(new StreamLine(step,
                            elapsed.toMillis(), null, null), false));
                } catch (RuntimeException e) {
                    ControlError error = error(request, e);
                    if (!started) {
                        reply(response, callback, error);
                    } else {
                        line(new StreamLine(null, null, null, error), true);
                        end();
                    }
                    return;
                }
                line(new StreamLine(null, null, JSON.valueToTree(result), null), true);
                end();
            }

            private void line(StreamLine line, boolean last) {
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
                    log.info("control stream {} {} lost its client: {}", request.getMethod(), pathOf(request), e.toString());
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

        private boolean authorized(Request request) {
            String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            String expected = "Bearer " + token;
            return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Prometheus text of the front door: read-only, so without a token (the API listens on loopback only). */
    private final class Metrics extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!request.getMethod().equals("GET")) {
                methodNotAllowed(request, response, callback, "GET");
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            response.write(true, ByteBuffer.wrap(environment.metrics().getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /**
     * The request's whole path. The path mappings hand each endpoint a request whose context is the
     * matched part, so the path in that context is what follows it; the API has no context path.
     */
    private static String pathOf(Request request) {
        return request.getHttpURI().getDecodedPath();
    }

    private static void methodNotAllowed(Request request, Response response, Callback callback, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        reply(response, callback, ControlError.of(ControlError.Code.METHOD_NOT_ALLOWED,
                request.getMethod() + " is not allowed on " + pathOf(request) + "; use " + allowed));
    }

    /** Errors Jetty answers itself (a malformed request, a failure before any endpoint ran): JSON too. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object status = request.getAttribute(ERROR_STATUS);
            int code = status instanceof Integer i ? i : response.getStatus();
            Object message = request.getAttribute(ERROR_MESSAGE);
            ControlError.Code kind = code >= 500 ? ControlError.Code.FAILED : ControlError.Code.BAD_REQUEST;
            ControlServer.write(response, callback, code, new ControlError(kind,
                    message == null ? HttpStatus.getMessage(code) : message.toString(), null, null));
            return true;
        }
    }

    private static void reply(Response response, Callback callback, ControlError error) {
        write(response, callback, error.code().httpStatus(), error);
    }

    private static void reply(Response response, Callback callback, int status, Object body) {
        write(response, callback, status, body);
    }

    private static void write(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            log.warn("cannot write a control answer", e);
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
