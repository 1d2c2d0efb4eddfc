package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * One instance's crashes within the healing window and what the healer decided about them. The
 * decision logic lives here, without processes or timers, so that it can be tested with a clock.
 */
final class CrashHistory {

    private final HealingPolicy policy;
    private final Deque<Instant> crashes = new ArrayDeque<>();
    private Instant nextRestartAt;
    private boolean gaveUp;

    CrashHistory(HealingPolicy policy) {
        this.policy = policy;
    }

    /**
     * Records a crash at {@code now}.
     *
     * @return the wait before the instance is started again, or empty when it crashed too often
     *     and is left down
     */
    synchronized Optional<Duration> crashed(Instant now) {
        forgetBefore(now.minus(policy.window()));
        crashes.addLast(now);
        if (crashes.size() >= policy.maxCrashes()) {
            gaveUp = true;
            nextRestartAt = null;
            return Optional.empty();
        }
        Duration backoff = policy.backoff(crashes.size());
        nextRestartAt = now.plus(backoff);
        return Optional.of(backoff);
    }

    /** The scheduled restart happened (or was no longer needed). */
    synchronized void restartDone() {
        nextRestartAt = null;
    }

    /** An operator took over (started, stopped or killed the instance): the count starts again. */
    synchronized void reset() {
        crashes.clear();
        nextRestartAt = null;
        gaveUp = false;
    }

    synchronized boolean gaveUp() {
        return gaveUp;
    }

    synchronized EnvironmentStatus.Healing status(Instant now) {
        forgetBefore(now.minus(policy.window()));
        return new EnvironmentStatus.Healing(crashes.size(), nextRestartAt, gaveUp);
    }

    private void forgetBefore(Instant oldest) {
        // A crash loop that was given up on stays given up on until an operator acts.
        while (!gaveUp && !crashes.isEmpty() && crashes.peekFirst().isBefore(oldest)) {
            crashes.removeFirst();
        }
    }
}
