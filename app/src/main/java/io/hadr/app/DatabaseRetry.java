package io.hadr.app;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs a database operation again while it fails the way a database role switch makes it fail
 * (a connection cut, a server shutting down or answering read-only, no connection to be had), for
 * at most a bounded wait, with a growing pause between attempts. A planned failover takes well
 * under a second and the read-write listener holds new connections until the new primary serves,
 * so a write caught in the switch commits on a later attempt instead of failing; a database that
 * stays away still fails the request once the wait is spent, or sooner when the caller can tell
 * that waiting is pointless. Only operations that are safe to repeat belong here: record writes
 * are idempotent on the client's id.
 */
final class DatabaseRetry {

    /** Monotonic time and sleeping, injected so that tests drive time instead of waiting for it. */
    interface Clock {
        long nanoTime();

        void sleep(Duration duration) throws InterruptedException;

        static Clock system() {
            return new Clock() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public void sleep(Duration duration) throws InterruptedException {
                    Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
                }
            };
        }
    }

    /** Why the retry stopped without a result. */
    enum Reason {
        /** The failure is not one a later attempt can cure (a conflict, a bad statement). */
        NOT_RETRYABLE,
        /** The wait is spent. */
        WAIT_SPENT,
        /** The caller said waiting is pointless now (the database has been away too long). */
        NOT_WORTH_WAITING,
        /** The thread was interrupted (the app is stopping). */
        INTERRUPTED
    }

    /** The operation failed on every attempt the retry made; holds the last failure. */
    static final class GaveUpException extends RuntimeException {
        final int attempts;
        final Duration elapsed;
        final Reason reason;

        GaveUpException(RuntimeException last, int attempts, Duration elapsed, Reason reason) {
            super(last.getMessage(), last);
            this.attempts = attempts;
            this.elapsed = elapsed;
            this.reason = reason;
        }

        RuntimeException last() {
            return (RuntimeException) getCause();
        }
    }

    private final Duration maxWait;
    private final Duration firstPause;
    private final Duration maxPause;
    private final Clock clock;

    DatabaseRetry(Duration maxWait, Duration firstPause, Duration maxPause, Clock clock) {
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException(
                    "the retry wait must be 0 or more, but was " + maxWait.toMillis() + " ms");
        }
        if (firstPause.isNegative() || firstPause.isZero() || maxPause.compareTo(firstPause) < 0) {
            throw new IllegalArgumentException("retry pauses must be positive with first <= max, but were "
                    + firstPause.toMillis() + " ms and " + maxPause.toMillis() + " ms");
        }
        this.maxWait = maxWait;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
        this.clock = clock;
    }

    Duration maxWait() {
        return maxWait;
    }

    /**
     * Runs {@code attempt} until it returns, a failure is not {@code retryable}, the wait is spent,
     * or {@code worthWaiting} says no (asked after each failure, so one attempt is always made).
     *
     * @param beforeRetry runs after each retryable failure that will be retried, with the number of
     *     the attempt that failed (e.g. renew the pool's connections)
     * @throws GaveUpException holding the last failure, the number of attempts, the time spent and why
     */
    <T> T run(
            Supplier<T> attempt,
            Predicate<RuntimeException> retryable,
            BiConsumer<RuntimeException, Integer> beforeRetry,
            BooleanSupplier worthWaiting) {
        long started = clock.nanoTime();
        long deadline = started + maxWait.toNanos();
        Duration pause = firstPause;
        for (int attempts = 1; ; attempts++) {
            RuntimeException failure;
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                failure = e;
            }
            boolean worthRetrying = retryable.test(failure);
            long now = clock.nanoTime();
            // Recomputed each time round: the attempts themselves take time (a connection wait, a statement).
            long left = deadline - now;
            Reason stop = !worthRetrying
                    ? Reason.NOT_RETRYABLE
                    : left <= 0 ? Reason.WAIT_SPENT : !worthWaiting.getAsBoolean() ? Reason.NOT_WORTH_WAITING : null;
            if (stop != null) {
                throw new GaveUpException(failure, attempts, Duration.ofNanos(now - started), stop);
            }
            beforeRetry.accept(failure, attempts);
            try {
                clock.sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new GaveUpException(
                        failure, attempts, Duration.ofNanos(clock.nanoTime() - started), Reason.INTERRUPTED);
            }
            pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
        }
    }
}
