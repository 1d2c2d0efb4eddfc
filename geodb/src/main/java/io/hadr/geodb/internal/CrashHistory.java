package io.hadr.geodb.internal;

import io.hadr.geodb.SelfHealing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The crashes of one server and what self-healing does about the next one: restart after a
 * backoff that doubles with every crash in the window, or give up once the server crashed more
 * often than the window allows. No I/O, no clock of its own.
 */
public final class CrashHistory {

    /** The decision after a crash. */
    public enum Decision {
        /** Restart at {@link #nextRestartAt()}. */
        RESTART,
        /** Too many crashes within the window: leave it down and say so. */
        GIVE_UP
    }

    private final SelfHealing policy;
    private final Deque<Instant> crashes = new ArrayDeque<>();
    private int restarts;
    private boolean gaveUp;
    private Instant nextRestartAt;
    private Instant lastCrashAt;

    public CrashHistory(SelfHealing policy) {
        this.policy = policy;
    }

    /** Records a crash seen at {@code now} and decides. */
    public synchronized Decision crashed(Instant now) {
        lastCrashAt = now;
        crashes.addLast(now);
        Instant windowStart = now.minus(policy.window());
        while (!crashes.isEmpty() && crashes.peekFirst().isBefore(windowStart)) {
            crashes.removeFirst();
        }
        if (crashes.size() > policy.maxRestarts()) {
            gaveUp = true;
            nextRestartAt = null;
            return Decision.GIVE_UP;
        }
        nextRestartAt = now.plus(policy.backoff(crashes.size()));
        return Decision.RESTART;
    }

    /** Whether a restart is planned and its time has come. */
    public synchronized boolean restartDue(Instant now) {
        return nextRestartAt != null && !now.isBefore(nextRestartAt);
    }

    /** A restart is being attempted now (counted whether or not it succeeds). */
    public synchronized void restarting() {
        restarts++;
        nextRestartAt = null;
    }

    /** An operator brought the server up: the history starts over (the restart count stays). */
    public synchronized void reset() {
        crashes.clear();
        gaveUp = false;
        nextRestartAt = null;
    }

    public synchronized int restarts() {
        return restarts;
    }

    public synchronized boolean gaveUp() {
        return gaveUp;
    }

    public synchronized Instant nextRestartAt() {
        return nextRestartAt;
    }

    public synchronized Instant lastCrashAt() {
        return lastCrashAt;
    }

    /** Crashes within the window as of the last one. */
    public synchronized int recentCrashes() {
        return crashes.size();
    }

    /** The wait before the restart planned last, for messages. */
    public synchronized Duration backoff() {
        return nextRestartAt == null || lastCrashAt == null
                ? Duration.ZERO
                : Duration.between(lastCrashAt, nextRestartAt);
    }
}
