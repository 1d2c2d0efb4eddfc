package io.hadr.geodb.internal.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The primary's write position sampled over time, to tell how old the oldest WAL that a store
 * does not hold yet is: the backup RPO in time, not only in bytes. A store that holds WAL up to
 * X misses what was written after the last sample at or below X, so the lag is measured from that
 * sample (an upper bound, never an understatement).
 */
public final class LsnHistory {

    private record Sample(Instant at, long lsn) {}

    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Duration keep;

    public LsnHistory(Duration keep) {
        this.keep = keep;
    }

    /** Records the primary's position at {@code at}. */
    public synchronized void sample(Instant at, long lsn) {
        Sample last = samples.peekLast();
        if (last != null && Long.compareUnsigned(lsn, last.lsn()) < 0) {
            // A new lineage (adopt) starts lower: the old samples say nothing about it.
            samples.clear();
        }
        samples.addLast(new Sample(at, lsn));
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(at.minus(keep))) {
            samples.removeFirst();
        }
    }

    /** The newest sampled position, or -1. */
    public synchronized long current() {
        Sample last = samples.peekLast();
        return last == null ? -1 : last.lsn();
    }

    /**
     * How long WAL past {@code held} has been waiting, at {@code now}: 0 when nothing was written
     * past it; null when no sample is old enough to say (then it is at least as long as the
     * history kept).
     */
    public synchronized Long lagMillis(long held, Instant now) {
        Sample last = samples.peekLast();
        if (last == null || Long.compareUnsigned(last.lsn(), held) <= 0) {
            return 0L;
        }
        Sample below = null;
        for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
            Sample s = it.next();
            if (Long.compareUnsigned(s.lsn(), held) <= 0) {
                below = s;
                break;
            }
        }
        return below == null
                ? null
                : Math.max(0, Duration.between(below.at(), now).toMillis());
    }
}
