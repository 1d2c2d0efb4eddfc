package io.hadr.geodb.internal;

import io.hadr.geodb.LinkStatus;
import io.hadr.geodb.RegionLink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for the network between two regions: TCP entries on 127.0.0.1, each in one
 * region and leading to a port in the other, with a one-way latency and partitions.
 *
 * <h2>How bytes cross</h2>
 * One selector thread does all the work, so the hot path (it carries all WAL) has no locks and
 * no thread per connection. Bytes read from one side are stamped with their arrival time (now +
 * latency) and put in the delay queue of their direction (one queue per direction, FIFO, arrival
 * times never decreasing, so a latency change never lets bytes overtake earlier ones); when due
 * they are written to the other side, without blocking: a receiver that does not read holds up
 * only its own connection. A connection has at most {@link LinkCrossing#WINDOW} bytes in flight per
 * direction; then its sender is no longer read, as TCP's window stops a sender whose bytes are
 * not acknowledged.
 *
 * <p>The connection to the far side is made when the first thing sent through an entry, its
 * "SYN", arrives there: nothing reaches a server across a partition. The near side is accepted
 * at once (it is in the client's own region), so a client that connects during a partition sees
 * its first request stall, not its connect.
 *
 * <h2>Partitions</h2>
 * While partitioned nothing is delivered in either direction; senders are read until their
 * window is full and then stall; nothing is reset. On heal, everything held arrives one latency
 * later, in order. A client that gives up on a connection whose SYN never crossed leaves nothing
 * behind on the far side, as its SYN would never have arrived.
 *
 * <p>This class is the control side (regions, entries, latency, partition, status). The parts:
 * {@link LinkFaults} (latency and partition), {@link LinkDirection} (a direction's delay queue),
 * {@link LinkCrossing} (one connection's two pumps) and {@link LinkLoop} (the thread, the entries
 * that accept, delivery).
 */
public final class InterRegionLink implements RegionLink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InterRegionLink.class);

    private final LinkFaults faults;
    private final LinkDirection aToB;
    private final LinkDirection bToA;
    private final LinkLoop loop;

    /**
     * Starts the link between two regions.
     *
     * @param regionA one region (listed first in the status)
     * @param regionB the other
     * @param latency the initial one-way latency
     * @param clock for the time a partition began
     */
    public InterRegionLink(String regionA, String regionB, Duration latency, Clock clock) {
        Objects.requireNonNull(regionA, "regionA must not be null");
        Objects.requireNonNull(regionB, "regionB must not be null");
        if (regionA.equals(regionB)) {
            throw new IllegalArgumentException("a link joins two different regions, but both were '" + regionA + "'");
        }
        this.faults = new LinkFaults(
                checkLatency(latency).toNanos(), Objects.requireNonNull(clock, "clock must not be null"));
        this.aToB = new LinkDirection(regionA, regionB, faults);
        this.bToA = new LinkDirection(regionB, regionA, faults);
        this.loop = new LinkLoop(aToB, bToA, faults);
    }

    private static Duration checkLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency must not be null");
        if (latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
            throw new IllegalArgumentException(
                    "the link's one-way latency must be between 0 and " + MAX_LATENCY + ", but was " + latency);
        }
        return latency;
    }

    /** The two regions, in the order given. */
    public List<String> regions() {
        return List.of(aToB.from, bToA.from);
    }

    /**
     * Opens an entry in {@code nearRegion}: a port on 127.0.0.1 whose connections lead, across
     * the link, to {@code targetPort} in the other region.
     *
     * @param purpose what crosses through it, for the log
     * @return the entry's port
     */
    public int openEntry(String nearRegion, int targetPort, String purpose) {
        LinkDirection out = direction(nearRegion);
        int port = loop.openEntry(out, targetPort, purpose);
        LOG.debug(
                "Link entry 127.0.0.1:{} in {} leads to port {} in {} ({})",
                port,
                out.from,
                targetPort,
                out.to,
                purpose);
        return port;
    }

    /** Closes an entry: no new connections; those it made go on until they end. */
    public void closeEntry(int port) {
        if (loop.closed()) {
            return;
        }
        loop.closeEntry(port);
    }

    private LinkDirection direction(String from) {
        if (aToB.from.equals(from)) {
            return aToB;
        }
        if (bToA.from.equals(from)) {
            return bToA;
        }
        throw new IllegalArgumentException(
                "the link joins " + aToB.from + " and " + bToA.from + ", but region '" + from + "' was given");
    }

    @Override
    public Duration latency() {
        return Duration.ofNanos(faults.latencyNanos());
    }

    @Override
    public void latency(Duration oneWay) {
        long nanos = checkLatency(oneWay).toNanos();
        loop.call("set the latency", () -> {
            faults.latencyNanos(nanos);
            return null;
        });
        LOG.info("Inter-region link: one-way latency {} ms", oneWay.toNanos() / 1e6);
    }

    @Override
    public void partition() {
        if (loop.call("partition the link", faults::partition)) {
            LOG.warn("Inter-region link partitioned: nothing crosses between {} and {}", aToB.from, aToB.to);
        }
    }

    @Override
    public void heal() {
        boolean changed = loop.call("heal the link", () -> {
            if (!faults.heal()) {
                return false;
            }
            // What was held is sent again now and takes the latency like anything sent now.
            long notBefore = System.nanoTime() + faults.latencyNanos();
            aToB.holdUntil(notBefore);
            bToA.holdUntil(notBefore);
            return true;
        });
        if (changed) {
            LOG.info("Inter-region link healed: held bytes arrive after {} ms", faults.latencyNanos() / 1e6);
        }
    }

    public boolean partitioned() {
        return faults.partitioned();
    }

    @Override
    public LinkStatus status() {
        return new LinkStatus(
                latency(),
                faults.partitioned(),
                faults.partitionedSince(),
                loop.openCrossings(),
                List.of(aToB.status(), bToA.status()));
    }

    @Override
    public void close() {
        loop.close();
    }
}
