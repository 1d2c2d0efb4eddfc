package io.hadr.local;

import io.hadr.toolkit.Deadline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code hadr status}, {@code hadr down} and the other commands talk to a running environment:
 * through the control API whose address and token the environment left in the state directory.
 */
public final class ControlClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateDir stateDir;
    private final StateDir.ControlFile control;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

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
        StateDir.ControlFile control = stateDir.readControl().orElseThrow(() -> stateDir.isLocked()
                ? new LocalEnvironmentException("the environment in " + stateDir.root() + " is still starting (or stopping);"
                        + " try again in a moment, or follow " + stateDir.logs().resolve("environment.log"))
                : LocalEnvironmentException.notRunning(stateDir));
        boolean alive = ProcessHandle.of(control.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (!alive || !stateDir.isLocked()) {
            // The environment died without cleaning up (e.g. SIGKILL); its children died with it.
            stateDir.deleteControl();
            throw LocalEnvironmentException.notRunning(stateDir);
        }
        return new ControlClient(stateDir, control);
    }

    public long pid() {
        return control.pid();
    }

    public JsonNode status() {
        return call("GET", "/v1/status", Duration.ofSeconds(30));
    }

    /** Runs an app action on a region; returns one line per instance. */
    public List<String> app(String region, AppAction action) {
        return lines(call("POST", "/v1/apps/" + region + "/" + action.id(), Duration.ofMinutes(5)));
    }

    /**
     * Changes a region's front door origin; null values stay as they are.
     *
     * @return one line describing the origin afterwards
     */
    public List<String> updateOrigin(String region, Boolean enabled, Integer priority, Integer weight) {
        StringBuilder query = new StringBuilder();
        if (enabled != null) {
            query.append("&enabled=").append(enabled);
        }
        if (priority != null) {
            query.append("&priority=").append(priority);
        }
        if (weight != null) {
            query.append("&weight=").append(weight);
        }
        String path = "/v1/frontdoor/origins/" + region + (query.length() == 0 ? "" : "?" + query.substring(1));
        return lines(call("POST", path, Duration.ofSeconds(30)));
    }

    public JsonNode databaseStatus() {
        return call("GET", "/v1/db/status", Duration.ofSeconds(30));
    }

    /** Fails the database over; mode is planned, forced or try-planned. Returns the report. */
    public JsonNode failover(String mode) {
        return call("POST", "/v1/db/failover?mode=" + mode, Duration.ofMinutes(5));
    }

    /** Takes a region down (SIGKILL of its apps and database server) or brings it back. */
    public List<String> region(String region, boolean up) {
        return lines(call("POST", "/v1/regions/" + region + "/" + (up ? "up" : "down"), Duration.ofMinutes(5)));
    }

    /** The one-line-per-result answer of an action. */
    private static List<String> lines(JsonNode reply) {
        List<String> results = new ArrayList<>();
        reply.path("results").forEach(n -> results.add(n.asText()));
        return results;
    }

    /** Asks the environment to stop and waits until its process is gone. */
    public Duration shutdown(Duration deadline) {
        Deadline wait = Deadline.after(deadline);
        call("POST", "/v1/shutdown", Duration.ofSeconds(30));
        ProcessHandle handle = ProcessHandle.of(control.pid()).orElse(null);
        while (handle != null && handle.isAlive() && !wait.expired()) {
            wait.pause(Duration.ofMillis(100));
        }
        if (handle != null && handle.isAlive()) {
            throw new LocalEnvironmentException("the environment (pid " + control.pid() + ") is still stopping after "
                    + Deadline.seconds(wait.elapsed()) + "; see " + stateDir.logs() + ", or kill it: its children die with it");
        }
        return wait.elapsed();
    }

    private JsonNode call(String method, String path, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(control.url() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + control.token())
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new LocalEnvironmentException("the environment (pid " + control.pid() + ") does not answer on "
                    + control.url() + "; it may be starting or stopping: try again, or see " + stateDir.logs(), e);
        } catch (IOException e) {
            throw new LocalEnvironmentException("talking to the environment at " + control.url() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalEnvironmentException("interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new LocalEnvironmentException("the environment answered " + response.statusCode() + " with something that is not JSON", e);
        }
        if (response.statusCode() >= 300) {
            throw new LocalEnvironmentException(body.path("error").asText("the environment answered " + response.statusCode()));
        }
        return body;
    }
}
