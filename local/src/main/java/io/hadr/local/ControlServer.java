package io.hadr.local;

import io.hadr.core.json.Json;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
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
 *
 * <p>This class runs the server and publishes its address; {@link ControlRoutes} maps the paths,
 * {@link ControlEndpoint} checks the token and turns failures into errors, {@link ControlStream}
 * writes streamed answers and {@link ControlReplies} the others.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** The answer to {@code POST /v1/shutdown}: the environment's process that is stopping. */
    public record Stopping(long pid) {}

    /**
     * One line of a streamed answer: a step ({@code step}, {@code atMs} since the operation
     * began), or the end: {@code result} (the operation's answer) or {@code error}.
     */
    public record StreamLine(
            String step, Long atMs, com.fasterxml.jackson.databind.JsonNode result, ControlError error) {}

    private final LocalEnvironment environment;
    private final String token;
    private final Server server;

    private ControlServer(LocalEnvironment environment, Runnable shutdownRequested, int port) {
        this.environment = environment;
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
        server.setHandler(ControlRoutes.of(environment, shutdownRequested, token));
        server.setErrorHandler(new ControlReplies.JsonErrors());
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
            throw new LocalEnvironmentException(
                    "cannot start the control API on port " + port + ": " + e.getMessage()
                            + (port != 0 ? "; set local.controlPort to a free port, or 0" : ""),
                    e);
        }
        environment
                .stateDir()
                .writeControl(new StateDir.ControlFile(
                        ProcessHandle.current().pid(), control.url(), control.token, Instant.now()));
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
}
