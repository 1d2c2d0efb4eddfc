package io.hadr.geodb.internal.backup;

import io.hadr.geodb.internal.InterRegionLink;
import io.hadr.toolkit.Threads;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Geo-copies across the failover group's inter-region link: each file is one TCP connection
 * through a link entry in the source region to a receiver in the destination region, so a copy
 * takes the link's latency and, while the link is partitioned, stalls (nothing is lost, nothing
 * crosses) like replication does. A transfer in which nothing arrives for the stall limit is
 * abandoned (the copier tries again on its next pass); a transfer that is slow but moving is not.
 *
 * <p>The bytes go in chunks with a length each and an end mark, so that a connection cut
 * part-way is never taken for a whole file.
 */
public final class LinkCrossing implements Crossing, AutoCloseable {

    /** How long nothing may arrive before a transfer is given up. */
    static final Duration STALL_LIMIT = Duration.ofSeconds(30);
    /** How long nothing must arrive before status says a copy waits on the link. */
    static final Duration WAITING_AFTER = Duration.ofSeconds(3);

    private static final int CHUNK = 256 * 1024;

    private final InterRegionLink link;
    private final Duration stallLimit;
    /** Per direction ("a→b"), since when (System.nanoTime) nothing has arrived; absent while copies flow. */
    private final Map<String, Long> quietSince = new ConcurrentHashMap<>();

    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public LinkCrossing(InterRegionLink link) {
        this(link, STALL_LIMIT);
    }

    LinkCrossing(InterRegionLink link, Duration stallLimit) {
        this.link = link;
        this.stallLimit = stallLimit;
    }

    @Override
    public void transfer(String from, String to, InputStream in, OutputStream out) throws IOException {
        if (closed) {
            throw new GeoCopyAbandonedException("the geo-copy is shutting down", null);
        }
        String direction = from + "→" + to;
        int stallMillis = (int) stallLimit.toMillis();
        quietSince.putIfAbsent(direction, System.nanoTime());
        boolean stalled = false;
        Thread sending = null;
        int entry = -1;
        try (ServerSocket receiver = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket sender = new Socket()) {
            open.add(receiver);
            open.add(sender);
            receiver.setSoTimeout(stallMillis);
            entry = link.openEntry(from, receiver.getLocalPort(), "geo-copy of backups from " + from + " to " + to);
            // The entry is in the source region: it accepts at once; the far side connects once the
            // first bytes arrive there, which a partition holds back.
            sender.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), entry), stallMillis);
            AtomicReference<IOException> sendFailure = new AtomicReference<>();
            sending = Threads.startDaemon("hadr-geodb-geocopy-send", () -> {
                try {
                    send(in, sender.getOutputStream());
                } catch (IOException e) {
                    sendFailure.set(e);
                    // The receiver sees the end at once instead of waiting out the stall limit.
                    closeQuietly(sender);
                }
            });
            try (Socket accepted = receiver.accept()) {
                open.add(accepted);
                accepted.setSoTimeout(stallMillis);
                receive(accepted.getInputStream(), out, () -> quietSince.remove(direction));
            } catch (SocketTimeoutException e) {
                stalled = true;
                throw new IOException(
                        "nothing crossed the inter-region link from " + from + " to " + to + " for "
                                + stallLimit.toSeconds() + " s (is it partitioned?); the copy is tried again",
                        e);
            } catch (IOException e) {
                if (closed) {
                    throw new GeoCopyAbandonedException("the geo-copy was stopped part-way", e);
                }
                if (sendFailure.get() != null) {
                    throw new IOException(
                            "a geo-copy from " + from + " to " + to + " could not read its source: "
                                    + sendFailure.get().getMessage(),
                            sendFailure.get());
                }
                throw e;
            }
        } finally {
            if (sending != null) {
                // The sender is closed by now: a write blocked on a full window ends at once.
                joinQuietly(sending);
            }
            if (entry >= 0) {
                link.closeEntry(entry);
            }
            if (!stalled) {
                // A transfer that ended, well or not, was no wait on the link.
                quietSince.remove(direction);
            }
            open.removeIf(LinkCrossing::isClosed);
        }
    }

    private static boolean isClosed(Closeable c) {
        return c instanceof Socket socket ? socket.isClosed() : c instanceof ServerSocket server && server.isClosed();
    }

    private void joinQuietly(Thread thread) {
        try {
            thread.join(stallLimit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(InputStream in, OutputStream socket) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket, CHUNK + 4));
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = in.readNBytes(chunk, 0, CHUNK)) > 0) {
            out.writeInt(n);
            out.write(chunk, 0, n);
        }
        out.writeInt(0);
        out.flush();
    }

    private static void receive(InputStream socket, OutputStream out, Runnable arrived) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket, CHUNK + 4));
        byte[] chunk = new byte[CHUNK];
        while (true) {
            int n = in.readInt();
            arrived.run();
            if (n == 0) {
                return;
            }
            if (n < 0 || n > CHUNK) {
                throw new IOException("a geo-copy chunk of " + n + " bytes; at most " + CHUNK + " are sent");
            }
            in.readFully(chunk, 0, n);
            arrived.run();
            out.write(chunk, 0, n);
        }
    }

    @Override
    public void passed(String from, String to) {
        quietSince.remove(from + "→" + to);
    }

    @Override
    public List<String> waiting() {
        long now = System.nanoTime();
        List<String> waiting = new ArrayList<>();
        quietSince.forEach((direction, since) -> {
            long quiet = now - since;
            if (quiet > WAITING_AFTER.toNanos()) {
                String[] regions = direction.split("→");
                waiting.add("geo-copy from '" + regions[0] + "' to '" + regions[1] + "': nothing has crossed the "
                        + "inter-region link for " + quiet / 1_000_000_000L
                        + " s (is it partitioned?); copies resume by "
                        + "themselves");
            }
        });
        waiting.sort(null);
        return waiting;
    }

    /** Abandons the transfers under way (the group is closing). */
    @Override
    public void close() {
        closed = true;
        open.forEach(LinkCrossing::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Gone either way.
        }
    }
}
