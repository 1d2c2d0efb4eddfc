package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ListenerEndpoint;
import io.hadr.toolkit.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failover group listener: a TCP proxy on 127.0.0.1 that forwards every connection to the
 * server it currently points at, like Azure's {@code <fog>.database.windows.net} DNS name
 * follows the primary.
 *
 * <p>When the listener moves, every connection it carries to the old target is cut, so that
 * connection pools notice and reconnect (after a promotion, sessions opened during recovery
 * would otherwise stay read-only). While a failover is in progress ({@link #hold}), a new
 * connection is held: it waits at most the hold timeout and is then released to the new target
 * ({@link #pointAt}) or, when the time is up first, closed; without any target it is closed at
 * once. A client therefore never waits longer than the hold timeout plus the connect timeout.
 *
 * <p>{@link #hold} can drain instead of cutting: each open connection is cut only once it is
 * between transactions (see {@link PgWireTracker}), so a transaction in flight when a planned
 * failover begins still commits and is acknowledged; a request the client sends after that point
 * is never forwarded to the old primary, so it is safe to retry on a new connection.
 */
public final class TcpListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    /** Where the listener leads: a server's name and port. */
    public record Route(String server, int port) {}

    private final String kind;
    private final String name;
    private final String region;
    private final Duration holdTimeout;
    private final Object lock = new Object();
    private final Set<ListenerConnection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private ServerSocket serverSocket;
    private Route route;
    private boolean holding;
    private volatile boolean closed;

    /**
     * @param name the listener's kind, {@code read-write} or {@code read-only}
     * @param region the region whose clients use it (null for a listener outside any region)
     */
    public TcpListener(String name, String region, Duration holdTimeout) {
        this.kind = name;
        this.name = region == null ? name : name + " (" + region + ")";
        this.region = region;
        this.holdTimeout = holdTimeout;
        this.workers = Executors.newCachedThreadPool(Threads.daemon("hadr-geodb-" + name));
    }

    /** Binds 127.0.0.1:{@code port} (0 = any free port) and starts accepting. */
    public void start(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            serverSocket = socket;
        } catch (IOException e) {
            throw new GeoDbException(
                    "the " + name + " listener cannot listen on 127.0.0.1:" + port + ": " + e.getMessage()
                            + (port != 0
                                    ? "; is another process using that port? choose another port or 0 for any free port"
                                    : ""),
                    e);
        }
        Threads.startDaemon("hadr-geodb-" + name + "-accept", this::acceptLoop);
    }

    /** Whether {@link #start} bound the listener. */
    public boolean started() {
        return serverSocket != null;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** This entry's address for clients of {@code databaseName}; the same before and after failovers. */
    public ListenerEndpoint endpoint(String databaseName) {
        return new ListenerEndpoint(kind, "127.0.0.1", port(), databaseName);
    }

    /** The kind and region, e.g. {@code read-write (southindia)}, for logs. */
    public String name() {
        return name;
    }

    /** {@code read-write} or {@code read-only}. */
    public String kind() {
        return kind;
    }

    /** The region whose clients use this listener, or null. */
    public String region() {
        return region;
    }

    /** The current target, or null while there is none or a failover holds the listener. */
    public Route route() {
        synchronized (lock) {
            return holding ? null : route;
        }
    }

    /** The last target, also while a failover holds the listener; null when it leads nowhere. */
    public Route target() {
        synchronized (lock) {
            return route;
        }
    }

    /** Number of client connections currently forwarded. */
    public int activeConnections() {
        return connections.size();
    }

    /** Connections accepted and forwarded since start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections closed without forwarding (no target, target down, hold timeout). */
    public long refusedConnections() {
        return refused.get();
    }

    /** Connections that arrived while the listener was held and waited for a target. */
    public long heldConnections() {
        return held.get();
    }

    /**
     * A failover begins: new connections wait (bounded) for {@link #pointAt}; open ones are cut,
     * each once it is between transactions, and every one still open after {@code drain}. Returns
     * when no connection to the old target is left.
     */
    public void hold(Duration drain) {
        beginHold(drain).await();
    }

    /**
     * {@link #hold} in two steps, so that several listeners drain at the same time: new
     * connections wait from now on, open ones are asked to end between transactions; the
     * returned drain's {@link Drain#await()} waits for them and cuts the rest.
     */
    public Drain beginHold(Duration drain) {
        synchronized (lock) {
            holding = true;
        }
        List<ListenerConnection> open = new ArrayList<>(connections);
        if (drain.isZero()) {
            cut(open, "held");
            return new Drain(List.of(), System.nanoTime(), drain);
        }
        long start = System.nanoTime();
        open.forEach(ListenerConnection::drain);
        return new Drain(open, start, drain);
    }

    /** Connections of a held listener that may still finish their transaction. */
    public final class Drain {
        private final List<ListenerConnection> open;
        private final long start;
        private final Duration drain;

        private Drain(List<ListenerConnection> open, long start, Duration drain) {
            this.open = open;
            this.start = start;
            this.drain = drain;
        }

        /** Waits until each has ended, at most until the drain time is over, then cuts the rest. */
        public void await() {
            if (open.isEmpty()) {
                return;
            }
            long end = start + drain.toNanos();
            synchronized (lock) {
                while (open.stream().anyMatch(connections::contains)) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        lock.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            int drained =
                    (int) open.stream().filter(p -> !connections.contains(p)).count();
            List<ListenerConnection> left =
                    open.stream().filter(connections::contains).toList();
            LOG.info(
                    "{} listener drained {} connection(s) between transactions in {} ms{}",
                    name,
                    drained,
                    (System.nanoTime() - start) / 1_000_000,
                    left.isEmpty() ? "" : ", cutting " + left.size() + " still busy after " + drain);
            cut(left, "held");
        }
    }

    /** Leads to {@code next} from now on, releasing held connections to it and cutting connections to any other target. */
    public void pointAt(Route next) {
        synchronized (lock) {
            route = next;
            holding = false;
            lock.notifyAll();
        }
        cut(connections.stream().filter(p -> !p.route().equals(next)).toList(), "moved to " + next.server());
    }

    /** Leads nowhere: every connection is cut, new ones are closed at once. */
    public void clear() {
        synchronized (lock) {
            route = null;
            holding = false;
            lock.notifyAll();
        }
        cut(new ArrayList<>(connections), "cleared");
    }

    private void cut(List<ListenerConnection> toCut, String why) {
        toCut.forEach(ListenerConnection::close);
        if (!toCut.isEmpty()) {
            LOG.info("{} listener cut {} connection(s) ({})", name, toCut.size(), why);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = serverSocket.accept();
                workers.execute(() -> handle(client));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{} listener: accept failed: {}", name, e.toString());
                }
            } catch (RejectedExecutionException e) {
                return;
            }
        }
    }

    private void handle(Socket clientToProxy) {
        Route target = awaitRoute();
        if (target == null) {
            refused.incrementAndGet();
            ListenerConnection.closeQuietly(clientToProxy);
            return;
        }
        Socket proxyToServer = new Socket();
        try {
            clientToProxy.setTcpNoDelay(true);
            proxyToServer.setTcpNoDelay(true);
            proxyToServer.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), target.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            // The target is down (region gone): refuse fast rather than let the client hang.
            refused.incrementAndGet();
            ListenerConnection.closeQuietly(proxyToServer);
            ListenerConnection.closeQuietly(clientToProxy);
            return;
        }
        ListenerConnection connection =
                new ListenerConnection(name, target, clientToProxy, proxyToServer, connections, lock);
        synchronized (lock) {
            if (holding || !target.equals(route)) {
                // The listener moved (or a failover began) while we connected: this leads to the old target.
                refused.incrementAndGet();
                connection.close();
                return;
            }
            connections.add(connection);
        }
        accepted.incrementAndGet();
        try {
            workers.execute(connection::pumpClientToServer);
        } catch (RejectedExecutionException e) {
            connection.close();
            return;
        }
        connection.pumpServerToClient();
    }

    private Route awaitRoute() {
        synchronized (lock) {
            if (holding) {
                held.incrementAndGet();
            }
            long end = System.nanoTime() + holdTimeout.toNanos();
            while (holding && !closed) {
                long remaining = end - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                try {
                    lock.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return closed ? null : route;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (serverSocket != null) {
            ListenerConnection.closeQuietly(serverSocket);
        }
        cut(new ArrayList<>(connections), "closed");
        workers.shutdownNow();
    }
}
