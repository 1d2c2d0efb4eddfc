package io.hadr.geodb.internal;

import io.hadr.geodb.LinkStatus;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One direction of the inter-region link and its delay queue: FIFO, arrival times never
 * decreasing, so a latency change never lets bytes overtake earlier ones. Touched only by the
 * link's thread, except the counters.
 */
final class LinkDirection {

    final String from;
    final String to;
    private final LinkFaults faults;
    private final ArrayDeque<Segment> queue = new ArrayDeque<>();
    /** Arrival time of the last segment queued: later ones never arrive before it. */
    private long lastDue = Long.MIN_VALUE;
    /** After a heal, held segments arrive no earlier than this. */
    private long notBefore = Long.MIN_VALUE;

    private volatile long deliveredBytes;
    private volatile long pendingBytes;

    LinkDirection(String from, String to, LinkFaults faults) {
        this.from = from;
        this.to = to;
        this.faults = faults;
    }

    /** Queues a segment to arrive one latency from now (and not before the one queued before it). */
    void add(Segment segment) {
        long due = System.nanoTime() + faults.latencyNanos();
        if (lastDue != Long.MIN_VALUE && due - lastDue < 0) {
            due = lastDue;
        }
        segment.due = due;
        lastDue = due;
        queue.add(segment);
        pendingBytes += segment.size();
    }

    /** After a heal: what was held arrives no earlier than {@code nanoTime}. */
    void holdUntil(long nanoTime) {
        notBefore = nanoTime;
    }

    /** Delivers every segment that is due; returns when the next one is, or MAX_VALUE. */
    long deliverDue() {
        if (faults.partitioned()) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        while (true) {
            Segment head = queue.peek();
            if (head == null) {
                return Long.MAX_VALUE;
            }
            long at = Math.max(head.due, notBefore);
            if (at - now > 0) {
                return at;
            }
            queue.poll();
            pendingBytes -= head.size();
            head.half.arrive(head);
        }
    }

    /** Counts bytes written to their destination. */
    void delivered(int bytes) {
        deliveredBytes += bytes;
    }

    LinkStatus.Direction status() {
        return new LinkStatus.Direction(from, to, deliveredBytes, pendingBytes);
    }

    /** Bytes (or a connect, an end of stream, a reset) on their way in one direction. */
    static final class Segment {
        static final byte CONNECT = 1;
        static final byte DATA = 2;
        static final byte END = 3;
        static final byte RESET = 4;

        final LinkCrossing.Half half;
        final byte kind;
        final ByteBuffer data;
        long due;

        Segment(LinkCrossing.Half half, byte kind, ByteBuffer data) {
            this.half = half;
            this.kind = kind;
            this.data = data;
        }

        int size() {
            return data == null ? 0 : data.remaining();
        }
    }
}
