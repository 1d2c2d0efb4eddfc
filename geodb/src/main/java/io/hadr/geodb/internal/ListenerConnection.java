package io.hadr.geodb.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection that a {@link TcpListener} forwards, and its leg to the server: the two
 * pumps that copy bytes each way, and the drain that cuts it only between transactions (the
 * protocol is followed by a {@link PgWireTracker}).
 */
final class ListenerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerConnection.class);
    private static final int BUFFER = 16 * 1024;

    private final String listenerName;
    private final TcpListener.Route route;
    private final Socket clientToProxy;
    private final Socket proxyToServer;
    private final Set<ListenerConnection> open;
    private final Object listenerLock;
    private final PgWireTracker protocol = new PgWireTracker();
    private boolean draining;

    /**
     * @param listenerName the listener's name, for logs
     * @param open the listener's open connections, which this one leaves when it is closed
     * @param listenerLock notified when it is closed: a drain waits on it
     */
    ListenerConnection(
            String listenerName,
            TcpListener.Route route,
            Socket clientToProxy,
            Socket proxyToServer,
            Set<ListenerConnection> open,
            Object listenerLock) {
        this.listenerName = listenerName;
        this.route = route;
        this.clientToProxy = clientToProxy;
        this.proxyToServer = proxyToServer;
        this.open = open;
        this.listenerLock = listenerLock;
    }

    /** The server this connection leads to. */
    TcpListener.Route route() {
        return route;
    }

    /** Cut at the next point between transactions (now, if it is at one). */
    synchronized void drain() {
        draining = true;
        if (protocol.idle()) {
            close();
        }
    }

    /** False (and the connection is cut) when a draining connection starts a new request: it is not forwarded. */
    private synchronized boolean beforeForwardingFromClient(byte[] bytes, int length) {
        if (draining && protocol.idle()) {
            close();
            return false;
        }
        protocol.client(bytes, 0, length);
        return true;
    }

    private synchronized void afterForwardingFromServer(byte[] bytes, int length) {
        protocol.server(bytes, 0, length);
        if (draining && protocol.idle()) {
            close();
        }
    }

    /** Copies what the client sends to the server until either side ends; then closes both. */
    void pumpClientToServer() {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = clientToProxy.getInputStream();
            OutputStream out = proxyToServer.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!beforeForwardingFromClient(buffer, n)) {
                    return;
                }
                out.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // Closed by the other side or cut by a move: the normal end of a proxied connection.
        } catch (IOException e) {
            LOG.debug("{} listener connection ended: {}", listenerName, e.toString());
        } finally {
            close();
        }
    }

    /** Copies what the server answers to the client until either side ends; then closes both. */
    void pumpServerToClient() {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = proxyToServer.getInputStream();
            OutputStream out = clientToProxy.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                afterForwardingFromServer(buffer, n);
            }
        } catch (SocketException e) {
            // Closed by the other side or cut by a move: the normal end of a proxied connection.
        } catch (IOException e) {
            LOG.debug("{} listener connection ended: {}", listenerName, e.toString());
        } finally {
            close();
        }
    }

    /** Cuts both legs; the listener no longer counts it. */
    void close() {
        open.remove(this);
        closeQuietly(clientToProxy);
        closeQuietly(proxyToServer);
        synchronized (listenerLock) {
            listenerLock.notifyAll();
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Nothing to do: the socket is gone either way.
        }
    }
}
