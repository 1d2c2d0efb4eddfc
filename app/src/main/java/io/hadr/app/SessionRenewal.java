package io.hadr.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Renews the pool's sessions after a failure that says they may lead to the old primary, at most
 * once per interval.
 *
 * <p>A role switch makes every pooled session bad at once (cut, or read-only since the promotion),
 * so one renewal is enough, however many requests fail at that moment. Renewing on every failing
 * request instead feeds on itself under load: each renewal throws away the sessions just opened
 * to the new primary, opening one takes several round trips across the regions, the pool opens
 * them one at a time, so requests time out waiting for a connection, fail, and renew again —
 * writes kept failing for a minute after a planned failover that took one second. A request that
 * got no session at all (the pool's wait ran out) says nothing about the pooled sessions and
 * renews nothing.
 */
final class SessionRenewal {

    private final Runnable renewAll;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong lastRenewal;

    /**
     * @param renewAll marks every pooled session for replacement (HikariCP's soft eviction: idle
     *     ones close now, busy ones when they come back)
     * @param interval the least time between two renewals
     */
    SessionRenewal(Runnable renewAll, Duration interval, LongSupplier nanoTime) {
        this.renewAll = renewAll;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.lastRenewal = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
    }

    /** Renews the sessions unless the failure involved none or they were renewed within the interval; says whether it did. */
    boolean afterFailure(Throwable failure) {
        if (DatabaseFailures.gotNoSession(failure)) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long last = lastRenewal.get();
        if (now - last < intervalNanos || !lastRenewal.compareAndSet(last, now)) {
            return false;
        }
        renewAll.run();
        return true;
    }
}
