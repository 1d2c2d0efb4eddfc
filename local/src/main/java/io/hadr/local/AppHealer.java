package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.toolkit.Deadline;
import io.hadr.toolkit.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-region self-healing of app instances, like App Service restarting a crashed instance: an
 * instance whose process ended while it was wanted up is started again after a back-off; one that
 * keeps crashing is left down and reported. Instances stopped or killed on purpose (by an
 * operator or a region outage) never reach the healer.
 */
final class AppHealer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AppHealer.class);

    private final HealingPolicy policy;
    private final Clock clock;
    private final Duration startDeadline;
    private final Map<String, CrashHistory> histories = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("hadr-healer-timer"));
    private final ExecutorService restarts = Executors.newCachedThreadPool(Threads.daemon("hadr-healer"));

    AppHealer(HealingPolicy policy, Clock clock, Duration startDeadline) {
        this.policy = policy;
        this.clock = clock;
        this.startDeadline = startDeadline;
    }

    /** Called when an instance that was wanted up crashed. */
    void crashed(AppInstance app) {
        Optional<Duration> backoff = history(app).crashed(clock.instant());
        if (backoff.isEmpty()) {
            log.warn(
                    "app {} crashed {} times within {}; it is left down: start it with 'hadr app start {}' once the cause is fixed",
                    app.id(),
                    policy.maxCrashes(),
                    Deadline.seconds(policy.window()),
                    app.region().id());
            return;
        }
        log.info("app {} crashed; starting it again in {}", app.id(), Deadline.seconds(backoff.get()));
        try {
            timer.schedule(
                    () -> restarts.execute(() -> restart(app)), backoff.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: nothing is restarted any more
        }
    }

    private void restart(AppInstance app) {
        CrashHistory history = history(app);
        try {
            if (app.startAfterCrash(startDeadline)) {
                log.info("app {} healed: running again", app.id());
            }
            history.restartDone();
        } catch (RuntimeException e) {
            history.restartDone();
            // A start cut short by a deliberate stop or kill is not a crash.
            if (app.wanted()) {
                log.warn(
                        "app {} did not come back: {}",
                        app.id(),
                        e.getMessage().lines().findFirst().orElse(""));
                crashed(app);
            }
        }
    }

    /** An operator acted on the instance: its crash count starts again and a given-up instance may be healed again. */
    void reset(AppInstance app) {
        history(app).reset();
    }

    /** The instance is gone (scaled in): its history goes. */
    void forget(AppInstance app) {
        histories.remove(app.id());
    }

    EnvironmentStatus.Healing status(AppInstance app) {
        return history(app).status(clock.instant());
    }

    private CrashHistory history(AppInstance app) {
        return histories.computeIfAbsent(app.id(), id -> new CrashHistory(policy));
    }

    /** Stops healing: no restart starts after this returns (one in progress may finish). */
    @Override
    public void close() {
        timer.shutdownNow();
        restarts.shutdownNow();
    }
}
