package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.topology.Region;
import io.hadr.toolkit.Deadline;
import io.hadr.toolkit.LogTail;
import io.hadr.toolkit.ProcessException;
import io.hadr.toolkit.ProcessLauncher;
import io.hadr.toolkit.RunAs;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the app in one region, supervised as a real JVM process: started with the
 * environment App Service gives an instance, called running only once {@code /health} answers,
 * stopped gracefully with SIGTERM, or killed with SIGKILL to simulate a crash.
 *
 * <p>The instance remembers whether an operator wants it up. A process that ends while it is
 * wanted has crashed and is reported to the crash listener (which heals it); one that ends
 * because it was stopped or killed on purpose is not.
 */
final class AppInstance {

    private static final Logger log = LoggerFactory.getLogger(AppInstance.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    /** The app's readiness: 200 once its database answers and the schema is in place. */
    static final String READY_PATH = "/health/ready";

    /**
     * What {@code start} needs to build and watch the process.
     *
     * @param account the operating-system account the JVM runs as
     * @param workingDirectory the JVM's working directory (reachable by that account)
     */
    record Launch(
            List<String> command,
            Map<String, String> environment,
            Path logFile,
            String healthPath,
            String frontDoorId,
            RunAs account,
            Path workingDirectory) {}

    private final String id;
    private final Region region;
    private final int port;
    private final Launch launch;
    private final ProcessLauncher launcher;
    private final Clock clock;
    private final Consumer<AppInstance> crashListener;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicReference<AppState> state = new AtomicReference<>(AppState.STOPPED);

    private volatile Process process;
    private volatile Instant startedAt;
    private volatile String lastExit;
    private volatile int starts;
    /** Whether an operator wants this instance up; false after a stop, a kill or a region outage. */
    private volatile boolean wanted;

    AppInstance(
            String id,
            Region region,
            int port,
            Launch launch,
            ProcessLauncher launcher,
            Clock clock,
            Consumer<AppInstance> crashListener) {
        this.id = id;
        this.region = region;
        this.port = port;
        this.launch = launch;
        this.launcher = launcher;
        this.clock = clock;
        this.crashListener = crashListener;
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

    /** Whether an operator wants this instance up, so that a crash of it is to be healed. */
    boolean wanted() {
        return wanted;
    }

    EnvironmentStatus.AppStatus status(EnvironmentStatus.Healing healing) {
        Process p = process;
        AppState s = state.get();
        boolean alive = p != null && p.isAlive() && s != AppState.STOPPED && s != AppState.CRASHED;
        return new EnvironmentStatus.AppStatus(
                id,
                url().toString(),
                s.id(),
                alive ? p.pid() : null,
                alive ? startedAt : null,
                Math.max(0, starts - 1),
                lastExit,
                launch.logFile().toString(),
                healing);
    }

    /**
     * Starts the process and waits until {@code /health} answers 200, at most {@code deadline};
     * with {@code awaitReady}, also until {@code /health/ready} answers 200 (the app reaches its
     * database and its schema is in place), so that the first write after {@code hadr up}
     * succeeds. Does nothing if the instance is already starting or running.
     *
     * @return how long it took; zero when it was already up
     */
    synchronized Duration start(Duration deadline, boolean awaitReady) {
        wanted = true;
        AppState current = state.get();
        if (current.isUp()) {
            return Duration.ZERO;
        }
        moveTo(AppState.STARTING);
        Deadline wait = Deadline.after(deadline);
        Process started;
        try {
            Files.createDirectories(launch.logFile().getParent());
            Files.writeString(
                    launch.logFile(),
                    "---- hadr: starting " + id + " at " + clock.instant() + " ----\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(launch.command())
                    .directory(launch.workingDirectory().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(launch.environment());
            started = launcher.start(builder, launch.account());
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
        log.info(
                "app {} running on port {} (pid {}) after {}",
                id,
                port,
                started.pid(),
                Deadline.seconds(wait.elapsed()));
        return wait.elapsed();
    }

    /**
     * Starts a crashed instance again, unless an operator stopped or killed it (or started it)
     * since it crashed.
     *
     * @return whether a start happened
     */
    synchronized boolean startAfterCrash(Duration deadline) {
        if (!wanted || state.get() != AppState.CRASHED) {
            return false;
        }
        start(deadline, false);
        return true;
    }

    /**
     * SIGTERM, then SIGKILL if the app has not exited within the grace period. A start in progress
     * (e.g. a healing restart) is cut short rather than waited for.
     *
     * @return how long the stop took
     */
    Duration stop() {
        wanted = false;
        Deadline wait = Deadline.after(STOP_GRACE);
        Process starting = process;
        boolean cutShort = state.get() == AppState.STARTING && starting != null;
        if (cutShort) {
            starting.destroy();
        }
        synchronized (this) {
            AppState current = state.get();
            if (current == AppState.STOPPED) {
                return Duration.ZERO;
            }
            if (current == AppState.CRASHED) {
                if (cutShort) {
                    lastExit = "stopped while starting at " + clock.instant();
                }
                moveTo(AppState.STOPPED);
                return wait.elapsed();
            }
            moveTo(AppState.STOPPING);
            Process p = process;
            if (p != null) {
                p.destroy();
                try {
                    if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.warn("app {} did not stop within {}; killing it", id, Deadline.seconds(STOP_GRACE));
                        p.destroyForcibly().waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
    }

    /**
     * SIGKILL on purpose ({@code hadr app kill}, a region outage): the instance shows as crashed
     * until started again, and is not healed. Also cuts short a start in progress.
     *
     * @throws LocalEnvironmentException when no process of it runs
     */
    void kill() {
        wanted = false;
        Process p = process;
        AppState current = state.get();
        if (p == null || !p.isAlive() || !current.isUp()) {
            throw new LocalEnvironmentException("app " + id + " is " + current.id() + ", not running; nothing to kill");
        }
        p.destroyForcibly();
        Deadline wait = Deadline.after(EXIT_WAIT);
        try {
            p.onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalEnvironmentException("interrupted while killing app " + id, e);
        } catch (Exception e) {
            throw new LocalEnvironmentException(
                    "app " + id + " (pid " + p.pid() + ") did not die within " + Deadline.seconds(EXIT_WAIT)
                            + " of SIGKILL",
                    e);
        }
        // The exit is recorded asynchronously (or by a start that was cut short): make it visible before returning.
        while (state.get().isUp() && !wait.expired()) {
            wait.pause(Duration.ofMillis(10));
        }
    }

    /** Marks the instance as not wanted without touching its process (a region outage of a crashed instance). */
    void holdDown() {
        wanted = false;
    }

    private void onExit(Process exited) {
        if (exited != process) {
            return;
        }
        // An exit while starting is the start's to report (it polls the process); only a running
        // instance's exit is decided here, so that each crash is counted once.
        if (state.get() != AppState.RUNNING) {
            return;
        }
        String how = describeExit(exited.exitValue());
        lastExit = how + " at " + clock.instant();
        if (state.compareAndSet(AppState.RUNNING, AppState.CRASHED)) {
            if (wanted) {
                log.warn("app {} {}", id, how);
                crashListener.accept(this);
            } else {
                log.info("app {} {} on purpose", id, how);
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
                HttpRequest.Builder request = HttpRequest.newBuilder(health)
                        .timeout(Duration.ofSeconds(2))
                        .GET();
                if (!launch.frontDoorId().isEmpty()) {
                    request.header("X-Azure-FDID", launch.frontDoorId());
                }
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastCause = new IOException(path + " answered " + response.statusCode());
            } catch (IOException e) {
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failedStart("interrupted while waiting for " + path, e);
            }
            wait.pause(Duration.ofMillis(100));
        }
        throw failedStart(
                path + " not 200 after " + Deadline.seconds(wait.elapsed()) + " (last: "
                        + (lastCause == null
                                ? "no answer"
                                : lastCause.getClass().getSimpleName() + " " + lastCause.getMessage())
                        + ")",
                lastCause);
    }

    private LocalEnvironmentException failedStart(String why, Exception cause) {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
        state.set(AppState.CRASHED);
        lastExit = "failed to start: " + why;
        return new LocalEnvironmentException(
                "app " + id + " " + why + "; its log " + launch.logFile() + " ends with:\n"
                        + LogTail.of(launch.logFile(), 15),
                cause);
    }

    private void moveTo(AppState target) {
        while (true) {
            AppState from = state.get();
            if (!from.canMoveTo(target)) {
                throw new AppState.IllegalTransitionException(id, from, target);
            }
            if (state.compareAndSet(from, target)) {
                log.debug("app {}: {} -> {}", id, from.id(), target.id());
                return;
            }
        }
    }

    private static String describeExit(int code) {
        return code > 128 ? "was killed by signal " + (code - 128) : "exited with code " + code;
    }
}
