package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.GeoDbTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Polls a probe until it yields a value or a deadline passes.
 *
 * <p>Waits on real processes measure time with {@link System#nanoTime()}: it is monotonic, and a
 * test clock driving the failover policy must not make a readiness wait last forever. The
 * remaining time is recomputed on each loop, the last failure is kept for the timeout message,
 * and the interrupt flag is restored.
 */
public final class Deadline {

    private Deadline() {
    }

    /**
     * Calls {@code probe} until it returns non-null. A {@link GeoDbException} from the probe ends
     * the wait at once (the condition can no longer be met, e.g. the process died); any other
     * exception is remembered and the wait goes on.
     *
     * @param what what is awaited, for the message ("'southindia' to accept connections")
     * @param state describes the state seen, for the timeout message
     */
    public static <T> T await(String what, Duration timeout, Duration interval, Callable<T> probe,
            Supplier<String> state) {
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (GeoDbException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GeoDbException("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            long remaining = end - System.nanoTime();
            if (remaining <= 0) {
                long waited = (System.nanoTime() - start) / 1_000_000;
                throw new GeoDbTimeoutException(String.format("timed out after %d ms waiting for %s (limit %s; %s%s)",
                        waited, what, timeout, state.get(), last == null ? "" : "; last error: " + last), last);
            }
            try {
                Thread.sleep(Math.max(1, Math.min(interval.toMillis(), remaining / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GeoDbException("interrupted while waiting for " + what, e);
            }
        }
    }
}
