package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import java.io.Closeable;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
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
 * The inter-region link's one thread and what only it touches: the selector, the entries that
 * accept connections, the crossings, and the delivery of due segments. Control changes run on it
 * as tasks ({@link #call}), so the link's state has one writer and the hot path (it carries all
 * WAL) has no locks and no thread per connection.
 */
final class LinkLoop {

    private static final Logger LOG = LoggerFactory.getLogger(LinkLoop.class);

    private static final int READ_BUFFER = 64 * 1024;
    private static final long ONE_MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

    /** A listening socket in one region leading to a port in the other. */
    record Entry(ServerSocketChannel server, LinkDirection out, int targetPort, String purpose) {}

    private final LinkDirection aToB;
    private final LinkDirection bToA;
    private final LinkFaults faults;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final Set<LinkCrossing> crossings = new HashSet<>();
    private final Map<Integer, Entry> entries = new HashMap<>();
    private final Thread thread;
    private volatile int openCrossings;
    private volatile boolean closed;

    /** Starts the thread. */
    LinkLoop(LinkDirection aToB, LinkDirection bToA, LinkFaults faults) {
        this.aToB = aToB;
        this.bToA = bToA;
        this.faults = faults;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new GeoDbException("cannot start the inter-region link: " + e, e);
        }
        this.thread = new Thread(this::run, "hadr-geodb-link");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Connections crossing now. */
    int openCrossings() {
        return openCrossings;
    }

    boolean closed() {
        return closed;
    }

    /** Opens a port on 127.0.0.1 whose connections lead along {@code out} to {@code targetPort}; returns the port. */
    int openEntry(LinkDirection out, int targetPort, String purpose) {
        ServerSocketChannel server;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            server.configureBlocking(false);
        } catch (IOException e) {
            throw new GeoDbException(
                    "the inter-region link cannot open an entry in " + out.from + " for " + purpose + ": " + e, e);
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
        return port;
    }

    /** Closes an entry: no new connections; those it made go on until they end. */
    void closeEntry(int port) {
        call("close the entry on port " + port, () -> {
            Entry entry = entries.remove(port);
            if (entry != null) {
                closeQuietly(entry.server());
            }
            return null;
        });
    }

    /** Runs {@code task} on the link's thread and waits for it: the link's state has one writer. */
    <T> T call(String what, Supplier<T> task) {
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
            throw new GeoDbException(
                    "the inter-region link did not " + what + " within " + CONTROL_TIMEOUT
                            + (thread.isAlive() ? "" : "; its thread has ended"),
                    e);
        }
    }

    // ---------------------------------------------------------------- for the crossings

    Selector selector() {
        return selector;
    }

    /** The one buffer every read goes through (the thread reads one socket at a time). */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    boolean partitioned() {
        return faults.partitioned();
    }

    /** The direction opposite to {@code direction}. */
    LinkDirection back(LinkDirection direction) {
        return direction == aToB ? bToA : aToB;
    }

    /** A crossing has ended. */
    void closed(LinkCrossing crossing) {
        crossings.remove(crossing);
        openCrossings = crossings.size();
    }

    // ---------------------------------------------------------------- the thread

    private void run() {
        try {
            while (!closed) {
                runTasks();
                long next = Math.min(aToB.deliverDue(), bToA.deliverDue());
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
            entries.values().forEach(e -> closeQuietly(e.server()));
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
            ((LinkCrossing.Side) attachment).ready(key);
        } catch (CancelledKeyException e) {
            // The crossing was closed while its events were being handled: nothing left to do.
        } catch (RuntimeException e) {
            LOG.warn("Inter-region link: a connection failed: {}", e.toString(), e);
            if (attachment instanceof LinkCrossing.Side side) {
                side.crossing.close(true);
            }
        }
    }

    private void accept(Entry entry) {
        SocketChannel near;
        try {
            near = entry.server().accept();
            if (near == null) {
                return;
            }
            near.configureBlocking(false);
            near.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            LOG.warn("Inter-region link entry for {}: accept failed: {}", entry.purpose(), e.toString());
            return;
        }
        crossings.add(new LinkCrossing(this, entry, near));
        openCrossings = crossings.size();
    }

    /** Stops the thread; it closes every crossing and entry on its way out. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Gone either way.
        }
    }
}
