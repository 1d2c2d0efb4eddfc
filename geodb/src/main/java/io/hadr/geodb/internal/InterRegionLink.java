package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.LinkStatus;
import io.hadr.geodb.RegionLink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
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
 * only its own connection. A connection has at most {@link #WINDOW} bytes in flight per
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
 */
public final class InterRegionLink implements RegionLink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InterRegionLink.class);

    /** Bytes in flight per connection and direction before the sender is stalled. */
    static final int WINDOW = 4 << 20;
    private static final int READ_BUFFER = 64 * 1024;
    private static final long ONE_MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

    private final Clock clock;
    private final Direction aToB;
    private final Direction bToA;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final Set<Crossing> crossings = new HashSet<>();
    private final Map<Integer, Entry> entries = new HashMap<>();
    private final Thread loop;
    private volatile long latencyNanos;
    private volatile boolean partitioned;
    private volatile Instant partitionedSince;
    private volatile int openCrossings;
    private volatile boolean closed;

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
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.latencyNanos = checkLatency(latency).toNanos();
        this.aToB = new Direction(regionA, regionB);
        this.bToA = new Direction(regionB, regionA);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new GeoDbException("cannot start the inter-region link: " + e, e);
        }
        this.loop = new Thread(this::run, "hadr-geodb-link");
        this.loop.setDaemon(true);
        this.loop.start();
    }

    private static Duration checkLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency must not be null");
        if (latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
            throw new IllegalArgumentException("the link's one-way latency must be between 0 and " + MAX_LATENCY
                    + ", but was " + latency);
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
        Direction out = direction(nearRegion);
        ServerSocketChannel server;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            server.configureBlocking(false);
        } catch (IOException e) {
            throw new GeoDbException("the inter-region link cannot open an entry in " + nearRegion + " for " + purpose
                    + ": " + e, e);
        }
        int port = server.socket().getLocalPort();
        Entry entry = new Entry(server, out, targetPort, purpose);
        try {
            call("open an entry for " + purpose, () -> {
                try {
                    server.register(selector, SelectionKey.OP_ACCEPT, entry);
                } catch (ClosedChannelException e) {
                    throw new GeoDbException("the entry for " + purpose + " was closed while it opened", e);
                }
                entries.put(port, entry);
                return null;
            });
        } catch (RuntimeException e) {
            closeQuietly(server);
            throw e;
        }
        LOG.debug("Link entry 127.0.0.1:{} in {} leads to port {} in {} ({})", port, out.from, targetPort, out.to, purpose);
        return port;
    }

    /** Closes an entry: no new connections; those it made go on until they end. */
    public void closeEntry(int port) {
        if (closed) {
            return;
        }
        call("close the entry on port " + port, () -> {
            Entry entry = entries.remove(port);
            if (entry != null) {
                closeQuietly(entry.server);
            }
            return null;
        });
    }

    private Direction direction(String from) {
        if (aToB.from.equals(from)) {
            return aToB;
        }
        if (bToA.from.equals(from)) {
            return bToA;
        }
        throw new IllegalArgumentException("the link joins " + aToB.from + " and " + bToA.from + ", but region '"
                + from + "' was given");
    }

    @Override
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    @Override
    public void latency(Duration oneWay) {
        long nanos = checkLatency(oneWay).toNanos();
        call("set the latency", () -> {
            latencyNanos = nanos;
            return null;
        });
        LOG.info("Inter-region link: one-way latency {} ms", oneWay.toNanos() / 1e6);
    }

    @Override
    public void partition() {
        boolean changed = call("partition the link", () -> {
            if (partitioned) {
                return false;
            }
            partitioned = true;
            partitionedSince = clock.instant();
            return true;
        });
        if (changed) {
            LOG.warn("Inter-region link partitioned: nothing crosses between {} and {}", aToB.from, aToB.to);
        }
    }

    @Override
    public void heal() {
        boolean changed = call("heal the link", () -> {
            if (!partitioned) {
                return false;
            }
            // What was held is sent again now and takes the latency like anything sent now.
            long notBefore = System.nanoTime() + latencyNanos;
            aToB.notBefore = notBefore;
            bToA.notBefore = notBefore;
            partitioned = false;
            partitionedSince = null;
            return true;
        });
        if (changed) {
            LOG.info("Inter-region link healed: held bytes arrive after {} ms", latencyNanos / 1e6);
        }
    }

    public boolean partitioned() {
        return partitioned;
    }

    @Override
    public LinkStatus status() {
        return new LinkStatus(latency(), partitioned, partitionedSince, openCrossings,
                List.of(aToB.status(), bToA.status()));
    }

    /** Runs {@code task} on the link's thread and waits for it: the link's state has one writer. */
    private <T> T call(String what, Supplier<T> task) {
        if (closed) {
            throw new IllegalStateException("the inter-region link is closed; cannot " + what);
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                done.complete(task.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            return done.get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GeoDbException("interrupted while waiting for the inter-region link to " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new GeoDbException("the inter-region link cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new GeoDbException("the inter-region link did not " + what + " within " + CONTROL_TIMEOUT
                    + (loop.isAlive() ? "" : "; its thread has ended"), e);
        }
    }

    // ---------------------------------------------------------------- the selector thread

    private void run() {
        try {
            while (!closed) {
                runTasks();
                long next = Math.min(deliverDue(aToB), deliverDue(bToA));
                if (next == Long.MAX_VALUE) {
                    selector.select();
                } else {
                    long wait = next - System.nanoTime();
                    if (wait >= ONE_MILLI) {
                        // select() waits whole milliseconds: wake up early and park the rest.
                        selector.select(wait / ONE_MILLI);
                    } else {
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        selector.selectNow();
                    }
                }
                Set<SelectionKey> selected = selector.selectedKeys();
                for (Iterator<SelectionKey> it = selected.iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    handle(key);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("The inter-region link stopped: {}", e.toString(), e);
            }
        } finally {
            new ArrayList<>(crossings).forEach(c -> c.close(false));
            entries.values().forEach(e -> closeQuietly(e.server));
            entries.clear();
            closeQuietly(selector);
            openCrossings = 0;
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void handle(SelectionKey key) {
        Object attachment = key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (attachment instanceof Entry entry) {
                if (key.isAcceptable()) {
                    accept(entry);
                }
                return;
            }
            Side side = (Side) attachment;
            if (key.isConnectable()) {
                side.crossing.finishConnect();
                return;
            }
            if (key.isValid() && key.isWritable()) {
                side.inbound.flush();
            }
            if (key.isValid() && key.isReadable()) {
                side.outbound.read();
            }
        } catch (CancelledKeyException e) {
            // The crossing was closed while its events were being handled: nothing left to do.
        } catch (RuntimeException e) {
            LOG.warn("Inter-region link: a connection failed: {}", e.toString(), e);
            if (attachment instanceof Side side) {
                side.crossing.close(true);
            }
        }
    }

    private void accept(Entry entry) {
        SocketChannel near;
        try {
            near = entry.server.accept();
            if (near == null) {
                return;
            }
            near.configureBlocking(false);
            near.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            LOG.warn("Inter-region link entry for {}: accept failed: {}", entry.purpose, e.toString());
            return;
        }
        Crossing crossing = new Crossing(entry, near);
        crossings.add(crossing);
        openCrossings = crossings.size();
        // The SYN: the far side is connected when it arrives there.
        crossing.up.enqueue(Segment.CONNECT, null);
    }

    /** Delivers every segment of {@code direction} that is due; returns when the next one is, or MAX_VALUE. */
    private long deliverDue(Direction direction) {
        if (partitioned) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        while (true) {
            Segment head = direction.queue.peek();
            if (head == null) {
                return Long.MAX_VALUE;
            }
            long at = Math.max(head.due, direction.notBefore);
            if (at - now > 0) {
                return at;
            }
            direction.queue.poll();
            int size = head.size();
            direction.pendingBytes -= size;
            head.half.arrive(head);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Gone either way.
        }
    }

    // ---------------------------------------------------------------- the parts

    /** One direction of the link and its delay queue. Touched only by the selector thread, except the counters. */
    private final class Direction {
        final String from;
        final String to;
        final ArrayDeque<Segment> queue = new ArrayDeque<>();
        /** Arrival time of the last segment queued: later ones never arrive before it. */
        long lastDue = Long.MIN_VALUE;
        /** After a heal, held segments arrive no earlier than this. */
        long notBefore = Long.MIN_VALUE;
        volatile long deliveredBytes;
        volatile long pendingBytes;

        Direction(String from, String to) {
            this.from = from;
            this.to = to;
        }

        void add(Segment segment) {
            long due = System.nanoTime() + latencyNanos;
            if (lastDue != Long.MIN_VALUE && due - lastDue < 0) {
                due = lastDue;
            }
            segment.due = due;
            lastDue = due;
            queue.add(segment);
            pendingBytes += segment.size();
        }

        LinkStatus.Direction status() {
            return new LinkStatus.Direction(from, to, deliveredBytes, pendingBytes);
        }
    }

    /** A listening socket in one region leading to a port in the other. */
    private record Entry(ServerSocketChannel server, Direction out, int targetPort, String purpose) {}

    /** Bytes (or a connect, an end of stream, a reset) on their way in one direction. */
    private static final class Segment {
        static final byte CONNECT = 1;
        static final byte DATA = 2;
        static final byte END = 3;
        static final byte RESET = 4;

        final Half half;
        final byte kind;
        final ByteBuffer data;
        long due;

        Segment(Half half, byte kind, ByteBuffer data) {
            this.half = half;
            this.kind = kind;
            this.data = data;
        }

        int size() {
            return data == null ? 0 : data.remaining();
        }
    }

    /** One socket of a crossing and the halves reading from and writing to it. */
    private static final class Side {
        final Crossing crossing;
        Half outbound;
        Half inbound;
        SocketChannel channel;
        SelectionKey key;

        Side(Crossing crossing) {
            this.crossing = crossing;
        }

        void interest(int op, boolean on) {
            if (key == null || !key.isValid()) {
                return;
            }
            int ops = key.interestOps();
            int next = on ? ops | op : ops & ~op;
            if (next != ops) {
                key.interestOps(next);
            }
        }
    }

    /** One connection through an entry: the client's side in the near region, the server's in the far one. */
    private final class Crossing {
        final Entry entry;
        final Side near = new Side(this);
        final Side far = new Side(this);
        /** Client to server. */
        final Half up;
        /** Server to client. */
        final Half down;
        boolean connectArrived;
        boolean farConnected;
        boolean refused;
        boolean closed;

        Crossing(Entry entry, SocketChannel nearChannel) {
            this.entry = entry;
            Direction back = entry.out == aToB ? bToA : aToB;
            this.up = new Half(this, entry.out, near, far);
            this.down = new Half(this, back, far, near);
            near.outbound = up;
            near.inbound = down;
            far.outbound = down;
            far.inbound = up;
            near.channel = nearChannel;
            try {
                near.key = nearChannel.register(selector, SelectionKey.OP_READ, near);
            } catch (ClosedChannelException e) {
                closed = true;
            }
        }

        /** The client's SYN arrived in the far region: connect to the target there. */
        void connectFar() {
            connectArrived = true;
            try {
                SocketChannel channel = SocketChannel.open();
                far.channel = channel;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        entry.targetPort));
                far.key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, far);
                if (connected) {
                    connected();
                }
            } catch (IOException e) {
                refused(e);
            }
        }

        void finishConnect() {
            try {
                if (far.channel.finishConnect()) {
                    far.key.interestOps(SelectionKey.OP_READ);
                    connected();
                }
            } catch (IOException e) {
                refused(e);
            }
        }

        private void connected() {
            farConnected = true;
            up.flush();
        }

        /** Nothing listens at the target (its region's server is down): the client learns it one latency later. */
        private void refused(IOException e) {
            LOG.debug("Link entry for {}: port {} in {} refused: {}", entry.purpose, entry.targetPort, entry.out.to, e);
            if (far.channel != null) {
                closeQuietly(far.channel);
            }
            far.key = null;
            refused = true;
            up.discard();
            down.enqueue(Segment.RESET, null);
        }

        void close(boolean reset) {
            if (closed) {
                return;
            }
            closed = true;
            for (Side side : List.of(near, far)) {
                if (side.channel != null) {
                    if (reset) {
                        try {
                            side.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                        } catch (IOException | RuntimeException e) {
                            // Closing anyway.
                        }
                    }
                    closeQuietly(side.channel);
                }
            }
            up.discard();
            down.discard();
            crossings.remove(this);
            openCrossings = crossings.size();
        }
    }

    /** One direction of a crossing: reads its source, queues, writes to its destination. */
    private final class Half {
        final Crossing crossing;
        final Direction direction;
        final Side source;
        final Side destination;
        /** Arrived, not yet written to the destination. */
        final ArrayDeque<ByteBuffer> arrived = new ArrayDeque<>();
        /** Bytes read from the source and not yet written to the destination. */
        long inFlight;
        boolean sourceEnded;
        boolean endArrived;
        boolean endDelivered;

        Half(Crossing crossing, Direction direction, Side source, Side destination) {
            this.crossing = crossing;
            this.direction = direction;
            this.source = source;
            this.destination = destination;
        }

        void enqueue(byte kind, ByteBuffer data) {
            direction.add(new Segment(this, kind, data));
        }

        void read() {
            readBuffer.clear();
            int n;
            try {
                n = source.channel.read(readBuffer);
            } catch (IOException e) {
                sourceEnded = true;
                source.interest(SelectionKey.OP_READ, false);
                if (neverConnected()) {
                    crossing.close(true);
                } else {
                    enqueue(Segment.RESET, null);
                }
                return;
            }
            if (n > 0) {
                readBuffer.flip();
                ByteBuffer copy = ByteBuffer.allocate(n);
                copy.put(readBuffer).flip();
                inFlight += n;
                enqueue(Segment.DATA, copy);
                if (inFlight >= WINDOW) {
                    source.interest(SelectionKey.OP_READ, false);
                }
            } else if (n < 0) {
                sourceEnded = true;
                source.interest(SelectionKey.OP_READ, false);
                if (neverConnected()) {
                    crossing.close(false);
                } else {
                    enqueue(Segment.END, null);
                }
            }
        }

        /**
         * A client that gives up while its SYN is held by a partition leaves nothing on the far
         * side, as its SYN would never have arrived.
         */
        private boolean neverConnected() {
            return this == crossing.up && !crossing.connectArrived && partitioned;
        }

        void arrive(Segment segment) {
            if (crossing.closed) {
                return;
            }
            switch (segment.kind) {
                case Segment.CONNECT -> crossing.connectFar();
                case Segment.DATA -> {
                    if (crossing.refused && this == crossing.up) {
                        return;
                    }
                    arrived.add(segment.data);
                    flush();
                }
                case Segment.END -> {
                    endArrived = true;
                    flush();
                }
                case Segment.RESET -> crossing.close(true);
                default -> throw new IllegalStateException("unknown segment kind " + segment.kind);
            }
        }

        /** Writes what arrived to the destination, as far as it takes it now. */
        void flush() {
            if (crossing.closed || (destination == crossing.far && !crossing.farConnected)) {
                return;
            }
            SocketChannel channel = destination.channel;
            try {
                while (!arrived.isEmpty()) {
                    ByteBuffer head = arrived.peek();
                    int written = channel.write(head);
                    inFlight -= written;
                    direction.deliveredBytes += written;
                    if (head.hasRemaining()) {
                        destination.interest(SelectionKey.OP_WRITE, true);
                        resumeReadingIfRoom();
                        return;
                    }
                    arrived.poll();
                }
                destination.interest(SelectionKey.OP_WRITE, false);
                resumeReadingIfRoom();
                if (endArrived && !endDelivered) {
                    endDelivered = true;
                    channel.shutdownOutput();
                    Half other = this == crossing.up ? crossing.down : crossing.up;
                    if (other.endDelivered) {
                        crossing.close(false);
                    }
                }
            } catch (IOException e) {
                // The destination is gone: so is the connection.
                crossing.close(true);
            }
        }

        private void resumeReadingIfRoom() {
            if (!sourceEnded && inFlight < WINDOW / 2 && source.channel != null) {
                source.interest(SelectionKey.OP_READ, true);
            }
        }

        void discard() {
            arrived.clear();
            inFlight = 0;
        }
    }
}
