package io.hadr.geodb.internal;

import io.hadr.geodb.internal.LinkDirection.Segment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection through an entry of the inter-region link: the client's side in the near
 * region, the server's in the far one, and the two halves that pump bytes between them through
 * the link's delay queues. A half has at most {@link #WINDOW} bytes in flight; then its sender is
 * no longer read, as TCP's window stops a sender whose bytes are not acknowledged. Touched only
 * by the link's thread.
 */
final class LinkCrossing {

    private static final Logger LOG = LoggerFactory.getLogger(LinkCrossing.class);

    /** Bytes in flight per connection and direction before the sender is stalled. */
    static final int WINDOW = 4 << 20;

    private final LinkLoop loop;
    private final LinkLoop.Entry entry;
    private final Side near = new Side(this);
    private final Side far = new Side(this);
    /** Client to server. */
    private final Half up;
    /** Server to client. */
    private final Half down;

    private boolean connectArrived;
    private boolean farConnected;
    private boolean refused;
    private boolean closed;

    /** Takes over an accepted client connection; its SYN is sent across at once. */
    LinkCrossing(LinkLoop loop, LinkLoop.Entry entry, SocketChannel nearChannel) {
        this.loop = loop;
        this.entry = entry;
        this.up = new Half(entry.out(), near, far);
        this.down = new Half(loop.back(entry.out()), far, near);
        near.outbound = up;
        near.inbound = down;
        far.outbound = down;
        far.inbound = up;
        near.channel = nearChannel;
        try {
            near.key = nearChannel.register(loop.selector(), SelectionKey.OP_READ, near);
        } catch (ClosedChannelException e) {
            closed = true;
        }
        // The SYN: the far side is connected when it arrives there.
        up.enqueue(Segment.CONNECT, null);
    }

    /** The client's SYN arrived in the far region: connect to the target there. */
    private void connectFar() {
        connectArrived = true;
        try {
            SocketChannel channel = SocketChannel.open();
            far.channel = channel;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected =
                    channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), entry.targetPort()));
            far.key =
                    channel.register(loop.selector(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, far);
            if (connected) {
                connected();
            }
        } catch (IOException e) {
            refused(e);
        }
    }

    private void finishConnect() {
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
        LOG.debug(
                "Link entry for {}: port {} in {} refused: {}", entry.purpose(), entry.targetPort(), entry.out().to, e);
        if (far.channel != null) {
            LinkLoop.closeQuietly(far.channel);
        }
        far.key = null;
        refused = true;
        up.discard();
        down.enqueue(Segment.RESET, null);
    }

    /** Closes both sides, with a reset (SO_LINGER 0) or an orderly close; idempotent. */
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
                LinkLoop.closeQuietly(side.channel);
            }
        }
        up.discard();
        down.discard();
        loop.closed(this);
    }

    /** One socket of a crossing and the halves reading from and writing to it. */
    static final class Side {
        final LinkCrossing crossing;
        Half outbound;
        Half inbound;
        SocketChannel channel;
        SelectionKey key;

        Side(LinkCrossing crossing) {
            this.crossing = crossing;
        }

        /** Does what the selector found this socket ready for. */
        void ready(SelectionKey selected) {
            if (selected.isConnectable()) {
                crossing.finishConnect();
                return;
            }
            if (selected.isValid() && selected.isWritable()) {
                inbound.flush();
            }
            if (selected.isValid() && selected.isReadable()) {
                outbound.read();
            }
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

    /** One direction of a crossing: reads its source, queues, writes to its destination. */
    final class Half {
        private final LinkDirection direction;
        private final Side source;
        private final Side destination;
        /** Arrived, not yet written to the destination. */
        private final ArrayDeque<ByteBuffer> arrived = new ArrayDeque<>();
        /** Bytes read from the source and not yet written to the destination. */
        private long inFlight;

        private boolean sourceEnded;
        private boolean endArrived;
        private boolean endDelivered;

        Half(LinkDirection direction, Side source, Side destination) {
            this.direction = direction;
            this.source = source;
            this.destination = destination;
        }

        void enqueue(byte kind, ByteBuffer data) {
            direction.add(new Segment(this, kind, data));
        }

        void read() {
            ByteBuffer readBuffer = loop.readBuffer();
            readBuffer.clear();
            int n;
            try {
                n = source.channel.read(readBuffer);
            } catch (IOException e) {
                sourceEnded = true;
                source.interest(SelectionKey.OP_READ, false);
                if (neverConnected()) {
                    close(true);
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
                    close(false);
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
            return this == up && !connectArrived && loop.partitioned();
        }

        void arrive(Segment segment) {
            if (closed) {
                return;
            }
            switch (segment.kind) {
                case Segment.CONNECT -> connectFar();
                case Segment.DATA -> {
                    if (refused && this == up) {
                        return;
                    }
                    arrived.add(segment.data);
                    flush();
                }
                case Segment.END -> {
                    endArrived = true;
                    flush();
                }
                case Segment.RESET -> close(true);
                default -> throw new IllegalStateException("unknown segment kind " + segment.kind);
            }
        }

        /** Writes what arrived to the destination, as far as it takes it now. */
        void flush() {
            if (closed || (destination == far && !farConnected)) {
                return;
            }
            SocketChannel channel = destination.channel;
            try {
                while (!arrived.isEmpty()) {
                    ByteBuffer head = arrived.peek();
                    int written = channel.write(head);
                    inFlight -= written;
                    direction.delivered(written);
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
                    Half other = this == up ? down : up;
                    if (other.endDelivered) {
                        close(false);
                    }
                }
            } catch (IOException e) {
                // The destination is gone: so is the connection.
                close(true);
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
