package io.hadr.geodb.internal;

import io.hadr.toolkit.Threads;
import io.hadr.geodb.GeoDbException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * would otherwise stay read-only). While a failover is in progress ({@link #hold()}), a new
 * connection waits at most the hold timeout for the new target and is then closed; without a
 * target it is closed at once. A client therefore never waits longer than the hold timeout plus
 * the connect timeout to the server.
 */
public final class TcpListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    /** Where the listener leads: a server's name and port. */
    public record Route(String server, int port) {
    }

    private final String name;
    private final Duration holdTimeout;
    private final Object lock = new Object();
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private ServerSocket serverSocket;
    private Thread acceptor;
    private Route route;
    private boolean held;
    private volatile boolean closed;

    public TcpListener(String name, Duration holdTimeout) {
        this.name = name;
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
            throw new GeoDbException("the " + name + " listener cannot listen on 127.0.0.1:" + port + ": " + e.getMessage()
                    + (port != 0 ? "; is another process using that port? choose another port or 0 for any free port" : ""), e);
        }
        acceptor = Threads.startDaemon("hadr-geodb-" + name + "-accept", this::acceptLoop);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public String name() {
        return name;
    }

    /** The current target, or null while there is none or a failover holds the listener. */
    public Route route() {
        synchronized (lock) {
            return held ? null : route;
        }
    }

    /** Number of client connections currently forwarded. */
    public int activeConnections() {
        return pipes.size();
    }

    /** Connections accepted and forwarded since start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections closed without forwarding (no target, target down, hold timeout). */
    public long refusedConnections() {
        return refused.get();
    }

    /** A failover begins: cut every connection; new ones wait (bounded) for {@link #pointAt}. */
    public void hold() {
        synchronized (lock) {
            held = true;
        }
        cut(null);
    }

    /** Leads to {@code next} from now on, cutting connections to any other target. */
    public void pointAt(Route next) {
        synchronized (lock) {
            route = next;
            held = false;
            lock.notifyAll();
        }
        cut(next);
    }

    /** Leads nowhere: every connection is cut, new ones are closed at once. */
    public void clear() {
        synchronized (lock) {
            route = null;
            held = false;
            lock.notifyAll();
        }
        cut(null);
    }

    private void cut(Route keep) {
        List<Pipe> toCut = new ArrayList<>();
        for (Pipe pipe : pipes) {
            if (keep == null || !pipe.route.equals(keep)) {
                toCut.add(pipe);
            }
        }
        for (Pipe pipe : toCut) {
            pipe.close();
        }
        if (!toCut.isEmpty()) {
            LOG.info("{} listener cut {} connection(s)", name, toCut.size());
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
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void handle(Socket clientToProxy) {
        Route target = awaitRoute();
        if (target == null) {
            refused.incrementAndGet();
            closeQuietly(clientToProxy);
            return;
        }
        Socket proxyToServer = new Socket();
        try {
            clientToProxy.setTcpNoDelay(true);
            proxyToServer.setTcpNoDelay(true);
            proxyToServer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target.port()),
                    CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            // The target is down (region gone): refuse fast rather than let the client hang.
            refused.incrementAndGet();
            closeQuietly(proxyToServer);
            closeQuietly(clientToProxy);
            return;
        }
        Pipe pipe = new Pipe(target, clientToProxy, proxyToServer);
        synchronized (lock) {
            if (held || !target.equals(route)) {
                // The listener moved while we connected: this connection leads to the old target.
                refused.incrementAndGet();
                pipe.close();
                return;
            }
            pipes.add(pipe);
        }
        accepted.incrementAndGet();
        try {
            workers.execute(() -> pump(pipe, clientToProxy, proxyToServer));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pipe.close();
            return;
        }
        pump(pipe, proxyToServer, clientToProxy);
    }

    private Route awaitRoute() {
        synchronized (lock) {
            long end = System.nanoTime() + holdTimeout.toNanos();
            while (held && !closed) {
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

    private void pump(Pipe pipe, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // Closed by the other side or cut by a move: the normal end of a proxied connection.
        } catch (IOException e) {
            LOG.debug("{} listener connection ended: {}", name, e.toString());
        } finally {
            pipe.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (serverSocket != null) {
            closeQuietly(serverSocket);
        }
        cut(null);
        workers.shutdownNow();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Nothing to do: the socket is gone either way.
        }
    }

    /** One client connection and its leg to the server. */
    private final class Pipe {
        final Route route;
        final Socket clientToProxy;
        final Socket proxyToServer;

        Pipe(Route route, Socket clientToProxy, Socket proxyToServer) {
            this.route = route;
            this.clientToProxy = clientToProxy;
            this.proxyToServer = proxyToServer;
        }

        void close() {
            pipes.remove(this);
            closeQuietly(clientToProxy);
            closeQuietly(proxyToServer);
        }
    }
}
