package io.hadr.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Topology;
import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.backup.VerifyReport;
import io.hadr.toolkit.Deadline;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * How {@code hadr status}, {@code hadr down}, the other commands and {@link LocalPlatform} talk to
 * a running environment: through the control API whose address and token the environment left in
 * the state directory. Answers are the records the {@link ControlServer} writes.
 */
public final class ControlClient {

    private static final ObjectMapper JSON = Json.mapper();
    /** App starts wait up to 90 s per instance, a failover up to minutes: actions get this long. */
    private static final Duration ACTION_TIMEOUT = Duration.ofMinutes(5);

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    /** A streamed operation (a restore of a large backup) sends its first step within this. */
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

    private final StateDir stateDir;
    private final StateDir.ControlFile control;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private ControlClient(StateDir stateDir, StateDir.ControlFile control) {
        this.stateDir = stateDir;
        this.control = control;
    }

    /**
     * Connects to the environment running from {@code stateDir}.
     *
     * @throws LocalEnvironmentException saying plainly that none runs, when none does
     */
    public static ControlClient connect(StateDir stateDir) {
        StateDir.ControlFile control = stateDir.readControl()
                .orElseThrow(() -> stateDir.isLocked()
                        ? new LocalEnvironmentException("the environment in " + stateDir.root()
                                + " is still starting (or stopping);" + " try again in a moment, or follow "
                                + stateDir.logs().resolve("environment.log"))
                        : LocalEnvironmentException.notRunning(stateDir));
        boolean alive =
                ProcessHandle.of(control.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (!alive || !stateDir.isLocked()) {
            // The environment died without cleaning up (e.g. SIGKILL); its children died with it.
            stateDir.deleteControl();
            throw LocalEnvironmentException.notRunning(stateDir);
        }
        return new ControlClient(stateDir, control);
    }

    /** A client for an environment whose control file is known (one this process runs itself). */
    static ControlClient of(StateDir stateDir, StateDir.ControlFile control) {
        return new ControlClient(stateDir, control);
    }

    /** The environment's process id. */
    public long pid() {
        return control.pid();
    }

    public StateDir stateDir() {
        return stateDir;
    }

    public EnvironmentStatus status() {
        return call("GET", "/v1/status", null, QUERY_TIMEOUT, EnvironmentStatus.class);
    }

    /** The topology the environment runs. */
    public Topology topology() {
        return call("GET", "/v1/topology", null, QUERY_TIMEOUT, Topology.class);
    }

    /** Stops, starts, restarts or kills every app instance of a region; returns once done. */
    public AppActionResult app(String region, AppAction action) {
        return call(
                "POST",
                "/v1/apps/" + segment(region) + "/" + action.word(),
                null,
                ACTION_TIMEOUT,
                AppActionResult.class);
    }

    /** Takes a region down (SIGKILL of its apps and database server) or brings it back. */
    public RegionActionResult region(String region, RegionAction action) {
        return call(
                "POST",
                "/v1/regions/" + segment(region) + "/" + action.word(),
                null,
                ACTION_TIMEOUT,
                RegionActionResult.class);
    }

    /** Changes a region's front door origin; returns the origin afterwards. */
    public EnvironmentStatus.OriginStatus origin(String region, OriginChange change) {
        return call(
                "POST",
                "/v1/frontdoor/origins/" + segment(region),
                change,
                QUERY_TIMEOUT,
                EnvironmentStatus.OriginStatus.class);
    }

    public EnvironmentStatus.DatabaseStatus databaseStatus() {
        return call("GET", "/v1/db/status", null, QUERY_TIMEOUT, EnvironmentStatus.DatabaseStatus.class);
    }

    /** Fails the database over to the current secondary; returns once the failover completed. */
    public FailoverResult failover(FailoverMode mode) {
        return failover(mode, null);
    }

    /**
     * Fails the database over to {@code to} (null: the server that is secondary when the request
     * arrives); returns once the failover completed.
     *
     * @throws FailoverDeclinedException when another failover runs, or {@code to} already is the primary
     */
    public FailoverResult failover(FailoverMode mode, String to) {
        return call("POST", "/v1/db/failover", new FailoverRequest(mode, to), ACTION_TIMEOUT, FailoverResult.class);
    }

    /** Sets a region's number of running app instances; returns once they run (or are gone). */
    public ScaleResult scale(String region, int instances) {
        return call(
                "POST", "/v1/scale/" + segment(region), new ScaleRequest(instances), ACTION_TIMEOUT, ScaleResult.class);
    }

    /** The link between the regions. */
    public EnvironmentStatus.LinkStatus link() {
        return call("GET", "/v1/link", null, QUERY_TIMEOUT, EnvironmentStatus.LinkStatus.class);
    }

    /** Changes the link between the regions (latency, partition, heal); returns it afterwards. */
    public EnvironmentStatus.LinkStatus link(LinkFault fault) {
        return call("POST", "/v1/link", fault, QUERY_TIMEOUT, EnvironmentStatus.LinkStatus.class);
    }

    /** Every base backup in every region's store, the marks, the restorable range. */
    public BackupCatalog backups() {
        return call("GET", "/v1/db/backups", null, QUERY_TIMEOUT, BackupCatalog.class);
    }

    /** Takes a base backup now; {@code progress} receives one line per step. */
    public BaseBackupInfo backup(Consumer<String> progress) {
        return streamed("/v1/db/backups", null, progress, BaseBackupInfo.class);
    }

    /** Makes a named restore point on the primary. */
    public RestoreMark mark(String name) {
        return call("POST", "/v1/db/marks", new LocalBackups.MarkRequest(name), ACTION_TIMEOUT, RestoreMark.class);
    }

    /** Restores to a new server; {@code progress} receives one line per step. */
    public RestoreResult restore(RestoreRequest request, Consumer<String> progress) {
        return streamed("/v1/db/restores", request, progress, RestoreResult.class);
    }

    /** The restored servers. */
    public List<RestoredServer> restores() {
        return call("GET", "/v1/db/restores", null, QUERY_TIMEOUT, LocalBackups.Restores.class)
                .restores();
    }

    /** Stops a restored server and deletes its data. */
    public void dropRestore(String name) {
        call("DELETE", "/v1/db/restores/" + segment(name), null, ACTION_TIMEOUT, LocalBackups.Dropped.class);
    }

    /** Makes a restored server the primary behind the same listeners; {@code progress} receives each step. */
    public AdoptReport adopt(String name, Consumer<String> progress) {
        return streamed("/v1/db/restores/" + segment(name) + "/adopt", null, progress, AdoptReport.class);
    }

    /** Test-restores the latest backup of a region's store (null: the primary's). */
    public VerifyReport verifyBackups(String region, Consumer<String> progress) {
        return streamed("/v1/db/verify-backups", new LocalBackups.VerifyRequest(region), progress, VerifyReport.class);
    }

    /** Runs one statement as the administrator on the target. */
    public SqlResult sql(SqlTarget target, String statement) {
        return call(
                "POST", "/v1/db/sql", new LocalBackups.SqlRequest(target, statement), ACTION_TIMEOUT, SqlResult.class);
    }

    /**
     * A streamed operation: each step line goes to {@code progress} as it arrives (with the time
     * since the operation began), the last line is the answer or the error; a stream that ends
     * without one was cut.
     */
    private <T> T streamed(String path, Object body, Consumer<String> progress, Class<T> answer) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(control.url() + path))
                    .timeout(STREAM_TIMEOUT)
                    .header("Authorization", "Bearer " + control.token())
                    .header("Content-Type", "application/json")
                    .POST(
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
        HttpResponse<java.io.InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.BufferedReader lines =
                new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() >= 300) {
                throw failure(JSON.readValue(lines, ControlError.class), response.statusCode());
            }
            String text;
            while ((text = lines.readLine()) != null) {
                if (text.isBlank()) {
                    continue;
                }
                ControlServer.StreamLine line = JSON.readValue(text, ControlServer.StreamLine.class);
                if (line.error() != null) {
                    throw failure(line.error(), response.statusCode());
                }
                // A JSON null arrives as a NullNode, not as null.
                if (line.result() != null && !line.result().isNull()) {
                    return JSON.treeToValue(line.result(), answer);
                }
                progress.accept(line.step()
                        + (line.atMs() == null ? "" : " (" + Deadline.seconds(Duration.ofMillis(line.atMs())) + ")"));
            }
        } catch (JsonProcessingException e) {
            throw new LocalEnvironmentException(
                    "the environment answered POST " + path + " with a line that is not what " + "this hadr expects ("
                            + e.getOriginalMessage() + "); is it another hadr version?",
                    e);
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "the answer to POST " + path + " was cut: " + e.getMessage()
                            + "; the operation may have gone on, see " + stateDir.logs(),
                    e);
        }
        throw new LocalEnvironmentException("the answer to POST " + path + " ended without a result; the environment "
                + "(pid " + control.pid() + ") may have stopped, see " + stateDir.logs());
    }

    /** Asks the environment to stop and waits until its process is gone. */
    public Duration shutdown(Duration deadline) {
        Deadline wait = Deadline.after(deadline);
        call("POST", "/v1/shutdown", null, QUERY_TIMEOUT, ControlServer.Stopping.class);
        ProcessHandle handle = ProcessHandle.of(control.pid()).orElse(null);
        while (handle != null && handle.isAlive() && !wait.expired()) {
            wait.pause(Duration.ofMillis(100));
        }
        if (handle != null && handle.isAlive()) {
            throw new LocalEnvironmentException("the environment (pid " + control.pid() + ") is still stopping after "
                    + Deadline.seconds(wait.elapsed()) + "; see " + stateDir.logs()
                    + ", or kill it: its children die with it");
        }
        return wait.elapsed();
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private <T> T call(String method, String path, Object body, Duration timeout, Class<T> answer) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(control.url() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + control.token())
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            if (response.statusCode() >= 300) {
                throw failure(JSON.readValue(response.body(), ControlError.class), response.statusCode());
            }
            return JSON.readValue(response.body(), answer);
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "the environment answered " + method + " " + path + " with "
                            + response.statusCode() + " and a body that is not what this hadr expects ("
                            + e.getMessage()
                            + "); is it another hadr version?",
                    e);
        }
    }

    private <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new LocalEnvironmentException(
                    "the environment (pid " + control.pid() + ") does not answer on " + control.url()
                            + "; it may be starting or stopping: try again, or see " + stateDir.logs(),
                    e);
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "talking to the environment at " + control.url() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalEnvironmentException("interrupted", e);
        }
    }

    private static LocalEnvironmentException failure(ControlError error, int status) {
        if (error == null || error.code() == null) {
            return new LocalEnvironmentException("the environment answered " + status);
        }
        return switch (error.code()) {
            case UNKNOWN_REGION -> new UnknownRegionException(error.region(), error.regions());
            case BAD_REQUEST -> new BadControlRequestException(error.message());
            case FAILOVER_GROUP_BUSY ->
                new FailoverDeclinedException(FailoverDeclinedException.Reason.BUSY, error.message());
            case FAILOVER_TARGET_IS_PRIMARY ->
                new FailoverDeclinedException(FailoverDeclinedException.Reason.TARGET_IS_PRIMARY, error.message());
            default -> new LocalEnvironmentException(error.message());
        };
    }
}
