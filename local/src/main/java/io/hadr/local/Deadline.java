package io.hadr.local;

import java.time.Duration;

/**
 * A point in time a wait must not pass. Loops ask for what is {@link #remaining()} each round, so
 * that a slow step early on leaves less time later rather than extending the whole wait.
 */
record Deadline(long deadlineNanos, long startNanos) {

    static Deadline after(Duration budget) {
        long now = System.nanoTime();
        return new Deadline(now + budget.toNanos(), now);
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Sleeps for {@code pause} or until the deadline, whichever is first; keeps the interrupt flag. */
    void pause(Duration pause) {
        long millis = Math.min(pause.toMillis(), remaining().toMillis());
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalEnvironmentException("interrupted while waiting", e);
        }
    }

    /** {@code 45 ms} below a second, {@code 2.3 s} above: readable at both scales. */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
