package io.hadr.frontdoor.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * The keep-alive connections of one event loop to one origin. Only that loop's thread touches it,
 * so it needs no lock. A request takes the most recently used idle connection, or opens a new one
 * while the loop's share of the origin's connection limit allows, or waits in line for the next
 * connection that is released.
 */
final class OriginPool {

    /**
     * A pooled connection is never reused once it is 15 s old, so it cannot have sat idle for as
     * long as typical origins keep idle connections open (Tomcat 20 s, Jetty 30 s): a request then
     * never meets a connection the origin is just closing, which would fail a non-idempotent request.
     */
    static final long MAX_CONNECTION_AGE_NANOS = Duration.ofSeconds(15).toNanos();
    /** Requests that may wait for a connection per loop before more are refused (Jetty's client allowed 1024). */
    private static final int MAX_WAITING = 1024;

    private final ProxyServer server;
    private final ProxyServer.Loop loop;
    final OriginState origin;
    private final int limit;
    private final String host;
    private final int port;
    private final boolean https;
    /** The Host header sent to the origin: its own authority, like Jetty's and every other HTTP client. */
    final String hostHeader;

    private final ArrayDeque<OriginConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<ProxyExchange> waiting = new ArrayDeque<>();
    private int open;

    OriginPool(ProxyServer server, ProxyServer.Loop loop, OriginState origin, int limit) {
        this.server = server;
        this.loop = loop;
        this.origin = origin;
        this.limit = limit;
        URI address = origin.address();
        this.https = "https".equalsIgnoreCase(address.getScheme());
        this.host = address.getHost();
        int defaultPort = https ? 443 : 80;
        this.port = address.getPort() >= 0 ? address.getPort() : defaultPort;
        this.hostHeader = port == defaultPort ? host : host + ":" + port;
    }

    /** Gives the exchange a connection now, or once one is open or free, or fails it. */
    void acquire(ProxyExchange exchange) {
        long now = System.nanoTime();
        for (OriginConnection connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
            if (connection.isUsable(now)) {
                exchange.onOriginConnection(connection);
                return;
            }
            connection.close();
        }
        if (open < limit) {
            connect(exchange);
        } else if (waiting.size() < MAX_WAITING) {
            waiting.addLast(exchange);
        } else {
            exchange.onOriginConnectFailed(new RejectedExecutionException(
                    "more than " + MAX_WAITING + " requests wait for a connection to origin '" + origin.name() + "'"));
        }
    }

    /** An exchange that waited for a connection gave up (its client went away). */
    void cancel(ProxyExchange exchange) {
        waiting.remove(exchange);
    }

    private void connect(ProxyExchange exchange) {
        open++;
        OriginConnection connection = new OriginConnection(server, this, loop);
        long connectTimeout =
                Math.max(1, Math.min(server.config.timeouts().originResponse().toMillis(), 10_000));
        Bootstrap bootstrap = new Bootstrap()
                .group(loop.eventLoop)
                .channel(server.socketChannelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, ProxyServer.ALLOCATOR)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout)
                .handler(connection);
        ChannelFuture connected;
        try {
            connected = bootstrap.connect(host, port);
        } catch (RuntimeException e) {
            open--;
            exchange.onOriginConnectFailed(e);
            return;
        }
        connected.addListener(future -> {
            if (!future.isSuccess()) {
                open--;
                Throwable cause = future.cause();
                if (cause instanceof ConnectTimeoutException) {
                    // Typed like every other connect timeout, so that Failures tells it from an answer's timeout.
                    SocketTimeoutException timeout = new SocketTimeoutException(cause.getMessage());
                    timeout.initCause(cause);
                    cause = timeout;
                }
                exchange.onOriginConnectFailed(cause);
                serveWaiting();
                return;
            }
            if (https) {
                try {
                    SslHandler tls =
                            server.sslContext().newHandler(connected.channel().alloc(), host, port);
                    connected.channel().pipeline().addFirst(tls);
                } catch (Exception e) {
                    connection.close();
                    exchange.onOriginConnectFailed(e);
                    return;
                }
            }
            exchange.onOriginConnection(connection);
        });
    }

    /** A connection finished an exchange and may carry the next one. */
    void release(OriginConnection connection) {
        if (origin.isRemoved() || !connection.isUsable(System.nanoTime())) {
            connection.close();
            return;
        }
        ProxyExchange next = waiting.pollFirst();
        if (next != null) {
            next.onOriginConnection(connection);
        } else {
            idle.addFirst(connection);
        }
    }

    /** A connection of this pool closed (whatever the reason): its place is free. */
    void closed(OriginConnection connection) {
        open--;
        idle.remove(connection);
        serveWaiting();
    }

    private void serveWaiting() {
        if (!waiting.isEmpty() && open < limit && !origin.isRemoved()) {
            connect(waiting.pollFirst());
        }
    }

    void closeIdle() {
        for (OriginConnection connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
            connection.close();
        }
    }
}
