package io.hadr.local;

import io.hadr.toolkit.Deadline;
import io.hadr.toolkit.LogTail;
import io.hadr.toolkit.ProcessException;
import io.hadr.toolkit.ProcessLauncher;
import io.hadr.toolkit.RunAs;
import io.hadr.core.topology.Region;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the app in one region, supervised as a real JVM process: started with the
 * environment App Service gives an instance, called running only once {@code /health} answers,
 * stopped gracefully with SIGTERM, or killed with SIGKILL to simulate a crash.
 */
final class AppInstance {

    private static final Logger log = LoggerFactory.getLogger(AppInstance.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    /** The app's readiness: 200 once its database answers and the schema is in place. */
    static final String READY_PATH = "/health/ready";

    /** What {@code start} and its callers need to build and watch the process. */
    record Launch(List<String> command, Map<String, String> environment, Path logFile, String healthPath,
                  String frontDoorId) {}

    private final String id;
    private final Region region;
    private final int port;
    private final Launch launch;
    private final ProcessLauncher launcher;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicReference<AppState> state = new AtomicReference<>(AppState.STOPPED);

    private volatile Process process;
    private volatile Instant startedAt;
    private volatile String lastExit;
    private volatile int starts;

    AppInstance(String id, Region region, int port, Launch launch, ProcessLauncher launcher, Clock clock) {
        this.id = id;
        this.region = region;
        this.port = port;
        this.launch = launch;
        this.launcher = launcher;
        this.clock = clock;
    }

    String id() {
        return id;
    }

    Region region() {
        return region;
    }

    int port() {
        return port;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    AppState state() {
        return state.get();
    }

    EnvironmentStatus.App status() {
        Process p = process;
        AppState s = state.get();
        boolean alive = p != null && p.isAlive() && s != AppState.STOPPED && s != AppState.CRASHED;
        return new EnvironmentStatus.App(id, url().toString(), s.id(), alive ? p.pid() : null,
                startedAt == null || !alive ? null : startedAt.toString(), Math.max(0, starts - 1), lastExit,
                launch.logFile().toString());
    }

    /**
     * Starts the process and waits until {@code /health} answers 200, at most {@code deadline}.
     * Does nothing if the instance is already starting or running.
     */
    synchronized Duration start(Duration deadline) {
        return start(deadline, false);
    }

    /**
     * Like {@link #start(Duration)}; with {@code awaitReady}, also waits until {@code /health/ready}
     * answers 200 (the app reaches its database and its schema is in place), so that the first
     * write after {@code hadr up} succeeds.
     */
    synchronized Duration start(Duration deadline, boolean awaitReady) {
        AppState current = state.get();
        if (current == AppState.RUNNING || current == AppState.STARTING) {
            return Duration.ZERO;
        }
        moveTo(AppState.STARTING);
        Deadline wait = Deadline.after(deadline);
        Process started;
        try {
            Files.createDirectories(launch.logFile().getParent());
            Files.writeString(launch.logFile(), "---- hadr: starting " + id + " at " + clock.instant() + " ----\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(launch.command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(launch.environment());
            started = launcher.start(builder, RunAs.SELF);
        } catch (IOException | ProcessException e) {
            moveTo(AppState.CRASHED);
            lastExit = "could not start: " + e.getMessage();
            throw new LocalEnvironmentException("cannot start app " + id + ": " + e.getMessage(), e);
        }
        process = started;
        starts++;
        startedAt = clock.instant();
        started.onExit().thenAccept(this::onExit);
        awaitAnswer(started, wait, launch.healthPath());
        if (awaitReady) {
            awaitAnswer(started, wait, READY_PATH);
        }
        moveTo(AppState.RUNNING);
        log.info("app {} running on port {} (pid {}) after {}", id, port, started.pid(), Deadline.seconds(wait.elapsed()));
        return wait.elapsed();
    }

    /** SIGTERM, then SIGKILL if the app has not exited within the grace period. */
    synchronized Duration stop() {
        AppState current = state.get();
        if (current == AppState.STOPPED) {
            return Duration.ZERO;
        }
        if (current == AppState.CRASHED) {
            moveTo(AppState.STOPPED);
            return Duration.ZERO;
        }
        moveTo(AppState.STOPPING);
        Deadline wait = Deadline.after(STOP_GRACE);
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("app {} did not stop within {}; killing it", id, Deadline.seconds(STOP_GRACE));
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            lastExit = "stopped at " + clock.instant();
        }
        moveTo(AppState.STOPPED);
        return wait.elapsed();
    }

    /** SIGKILL, like a crash; the instance shows as crashed until started again. */
    synchronized void kill() {
        Process p = process;
        AppState current = state.get();
        if (p == null || !p.isAlive() || current == AppState.STOPPED || current == AppState.CRASHED) {
            throw new LocalEnvironmentException("app " + id + " is " + current.id() + ", not running; nothing to kill");
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
            // onExit runs asynchronously; make the crash visible before returning.
            p.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        long waited = 0;
        while (state.get() != AppState.CRASHED && waited < 5000) {
            sleepQuietly(10);
            waited += 10;
        }
    }

    private void onExit(Process exited) {
        if (exited != process) {
            return;
        }
        AppState current = state.get();
        if (current == AppState.RUNNING || current == AppState.STARTING) {
            lastExit = describeExit(exited.exitValue()) + " at " + clock.instant();
            if (state.compareAndSet(current, AppState.CRASHED)) {
                log.warn("app {} {} (was {})", id, describeExit(exited.exitValue()), current.id());
            }
        }
    }

    private void awaitAnswer(Process started, Deadline wait, String path) {
        URI health = url().resolve(path);
        Exception lastCause = null;
        while (!wait.expired()) {
            if (!started.isAlive()) {
                throw failedStart("exited with code " + started.exitValue() + " before answering " + path, null);
            }
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET();
                if (!launch.frontDoorId().isEmpty()) {
                    request.header("X-Azure-FDID", launch.frontDoorId());
                }
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastCause = new IOException(path + " answered " + response.statusCode());
            } catch (ConnectException e) {
                lastCause = e;
            } catch (IOException e) {
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failedStart("interrupted while waiting for " + path, e);
            }
            wait.pause(Duration.ofMillis(100));
        }
        throw failedStart(path + " not 200 after " + Deadline.seconds(wait.elapsed()) + " (last: "
                + (lastCause == null ? "no answer" : lastCause.getClass().getSimpleName() + " " + lastCause.getMessage()) + ")",
                lastCause);
    }

    private LocalEnvironmentException failedStart(String why, Exception cause) {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
        state.set(AppState.CRASHED);
        lastExit = "failed to start: " + why;
        return new LocalEnvironmentException("app " + id + " " + why + "; its log " + launch.logFile()
                + " ends with:\n" + LogTail.of(launch.logFile(), 15), cause);
    }

    private void moveTo(AppState target) {
        AppState from = state.get();
        if (!from.canMoveTo(target)) {
            throw new AppState.IllegalTransitionException(id, from, target);
        }
        if (state.compareAndSet(from, target)) {
            log.debug("app {}: {} -> {}", id, from.id(), target.id());
        } else {
            moveTo(target);
        }
    }

    private static String describeExit(int code) {
        return code > 128 ? "was killed by signal " + (code - 128) : "exited with code " + code;
    }


    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
