package io.hadr.toolkit;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A point in time a wait must not pass, measured with {@link System#nanoTime()} (monotonic: a
 * test clock driving a policy must not make a readiness wait last forever). Loops ask for what
 * is {@link #remaining()} each round, so that a slow step early on leaves less time later rather
 * than extending the whole wait.
 */
public record Deadline(long deadlineNanos, long startNanos) {

    public static Deadline after(Duration budget) {
        long now = System.nanoTime();
        return new Deadline(now + budget.toNanos(), now);
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    public boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Sleeps for {@code pause} or until the deadline, whichever is first.
     *
     * @throws DeadlineExceededException when interrupted (the interrupt flag is kept)
     */
    public void pause(Duration pause) {
        long millis = Math.min(pause.toMillis(), remaining().toMillis());
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadlineExceededException("interrupted while waiting", e);
        }
    }

    /**
     * Calls {@code probe} until it returns non-null, at most every {@code interval}, until
     * {@code timeout} has passed. An exception the {@code fatal} test accepts ends the wait at
     * once (the condition can no longer be met, e.g. the process died); any other is remembered
     * for the timeout message and the wait goes on.
     *
     * @param what what is awaited, for the message ("'southindia' to accept connections")
     * @param state describes the state seen, for the timeout message
     * @throws DeadlineExceededException naming what, the time waited, the limit, the state and the last error
     */
    public static <T> T await(
            String what,
            Duration timeout,
            Duration interval,
            Callable<T> probe,
            Supplier<String> state,
            Predicate<? super RuntimeException> fatal) {
        Deadline deadline = after(timeout);
        Exception last = null;
        while (true) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                if (fatal.test(e)) {
                    throw e;
                }
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeadlineExceededException("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            if (deadline.expired()) {
                throw new DeadlineExceededException(
                        String.format(
                                Locale.ROOT,
                                "timed out after %d ms waiting for %s (limit %s; %s%s)",
                                deadline.elapsed().toMillis(),
                                what,
                                timeout,
                                state.get(),
                                last == null ? "" : "; last error: " + last),
                        last);
            }
            deadline.pause(interval.isZero() ? Duration.ofMillis(1) : interval);
        }
    }

    /** {@code 45 ms} below a second, {@code 2.3 s} above: readable at both scales. */
    public static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
