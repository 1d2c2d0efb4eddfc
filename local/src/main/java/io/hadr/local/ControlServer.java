package io.hadr.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import io.hadr.frontdoor.OriginUpdate;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API of a running environment, on loopback only, protected by a bearer token that
 * is written (owner-readable only) into the state directory's control file. Other {@code hadr}
 * commands use it through {@link ControlClient}.
 *
 * <pre>
 * GET  /v1/status                      the environment's status (EnvironmentStatus as JSON)
 * POST /v1/apps/{region}/{action}      stop | start | restart | kill every app instance of a region
 * POST /v1/frontdoor/origins/{region}  ?enabled=true|false&amp;priority=N&amp;weight=N, like an ARM origin update
 * GET  /v1/db/status                   the failover group: roles, listeners, lag
 * POST /v1/db/failover                 ?mode=planned|forced|try-planned
 * POST /v1/regions/{region}/{down|up}  take a whole region away (SIGKILL) or bring it back
 * POST /v1/shutdown                    stop the environment (answers at once, stops afterwards)
 * GET  /metrics                        Prometheus metrics (no token: read-only, loopback only)
 * </pre>
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        server.setHandler(new Router());
    }

    /**
     * Starts the API and publishes its address and token in the state directory.
     *
     * @param shutdownRequested called (on another thread) when a client asks the environment to stop
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
                control.url(), control.token, Instant.now().toString()));
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

    private final class Router extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            try {
                if (method.equals("GET") && path.equals("/metrics")) {
                    byte[] text = environment.metrics().getBytes(StandardCharsets.UTF_8);
                    response.setStatus(HttpStatus.OK_200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    response.write(true, java.nio.ByteBuffer.wrap(text), callback);
                    return true;
                }
                if (!authorized(request)) {
                    reply(response, callback, HttpStatus.UNAUTHORIZED_401,
                            error("missing or wrong token; read it from the state directory's control.json"));
                    return true;
                }
                List<String> parts = List.of(path.replaceFirst("^/", "").split("/"));
                if (method.equals("GET") && path.equals("/v1/status")) {
                    reply(response, callback, HttpStatus.OK_200, environment.status());
                } else if (method.equals("POST") && parts.size() == 4 && parts.get(0).equals("v1") && parts.get(1).equals("apps")) {
                    AppAction action = AppAction.parse(parts.get(3));
                    List<String> results = environment.app(parts.get(2), action);
                    reply(response, callback, HttpStatus.OK_200, Map.of("results", results));
                } else if (method.equals("POST") && parts.size() == 4 && parts.get(0).equals("v1")
                        && parts.get(1).equals("frontdoor") && parts.get(2).equals("origins")) {
                    String result = environment.updateOrigin(parts.get(3), originUpdate(Request.extractQueryParameters(request)));
                    reply(response, callback, HttpStatus.OK_200, Map.of("results", List.of(result)));
                } else if (method.equals("GET") && path.equals("/v1/db/status")) {
                    reply(response, callback, HttpStatus.OK_200, environment.databaseStatus());
                } else if (method.equals("POST") && path.equals("/v1/db/failover")) {
                    String mode = Request.extractQueryParameters(request).getValue("mode");
                    reply(response, callback, HttpStatus.OK_200, environment.failover(failoverMode(mode)));
                } else if (method.equals("POST") && parts.size() == 4 && parts.get(0).equals("v1") && parts.get(1).equals("regions")
                        && (parts.get(3).equals("down") || parts.get(3).equals("up"))) {
                    List<String> results = parts.get(3).equals("down")
                            ? environment.regionDown(parts.get(2)) : environment.regionUp(parts.get(2));
                    reply(response, callback, HttpStatus.OK_200, Map.of("results", results));
                } else if (method.equals("POST") && path.equals("/v1/shutdown")) {
                    reply(response, callback, HttpStatus.ACCEPTED_202, Map.of("message", "environment stopping"));
                    Thread stopper = new Thread(shutdownRequested, "hadr-shutdown-request");
                    stopper.start();
                } else {
                    reply(response, callback, HttpStatus.NOT_FOUND_404, error("no such control operation: " + method + " " + path));
                }
            } catch (LocalEnvironmentException e) {
                reply(response, callback, HttpStatus.CONFLICT_409, error(e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("control request {} {} failed", method, path, e);
                reply(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, error(e.toString()));
            }
            return true;
        }

        private io.hadr.geodb.FailoverMode failoverMode(String mode) {
            if (mode == null || mode.equals("planned")) {
                return io.hadr.geodb.FailoverMode.PLANNED;
            }
            return switch (mode) {
                case "forced" -> io.hadr.geodb.FailoverMode.FORCED;
                case "try-planned" -> io.hadr.geodb.FailoverMode.TRY_PLANNED;
                default -> throw new LocalEnvironmentException("unknown failover mode '" + mode + "'; use planned, forced or try-planned");
            };
        }

        private OriginUpdate originUpdate(Fields query) {
            OriginUpdate update = OriginUpdate.none();
            String enabled = query.getValue("enabled");
            if (enabled != null) {
                if (!enabled.equals("true") && !enabled.equals("false")) {
                    throw new LocalEnvironmentException("enabled must be true or false, but was '" + enabled + "'");
                }
                update = update.withEnabled(Boolean.parseBoolean(enabled));
            }
            try {
                String priority = query.getValue("priority");
                if (priority != null) {
                    update = update.withPriority(Integer.parseInt(priority));
                }
                String weight = query.getValue("weight");
                if (weight != null) {
                    update = update.withWeight(Integer.parseInt(weight));
                }
            } catch (NumberFormatException e) {
                throw new LocalEnvironmentException("priority and weight are whole numbers: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new LocalEnvironmentException(e.getMessage());
            }
            return update;
        }

        private boolean authorized(Request request) {
            String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            String expected = "Bearer " + token;
            return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8));
        }

        private Map<String, Object> error(String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            return body;
        }

        private void reply(Response response, Callback callback, int status, Object body) {
            try {
                byte[] bytes = JSON.writeValueAsBytes(body);
                response.setStatus(status);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
            } catch (Exception e) {
                callback.failed(e);
            }
        }
    }
}
