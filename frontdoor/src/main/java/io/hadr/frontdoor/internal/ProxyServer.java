package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.FrontDoorConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door's data path: one event loop per core, each owning the client connections it
 * accepted and a pool of origin connections per origin that only those client connections use.
 * A request and its answer are handled on one thread from the client's bytes to the origin's and
 * back, without locks, hand-offs or per-request listener objects; HTTP/1.1 is parsed with Jetty's
 * {@code HttpParser} on both legs (the same rules the front door always applied) and written
 * directly.
 *
 * <p>Native epoll is used where it is available (Linux), Java NIO elsewhere.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** Bytes of a head parsed per step from a heap copy (see {@link Loop#headCopy}). */
    static final int HEAD_COPY_LIMIT = 16 * 1024;

    /**
     * Netty's pooled allocator, whose per-thread caches suit buffers that live and die on one
     * loop; Netty 4.2's default (adaptive) one shares chunks through concurrent queues, which
     * showed as a tenth of the CPU time per request.
     */
    static final PooledByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    final FrontDoorConfig config;
    final OriginGroup group;
    final FrontDoorMetrics metrics;
    final AzureRefs azureRefs;
    final Class<? extends SocketChannel> socketChannelType;
    /** Per loop: the pools of origin connections; read-only after construction, each value loop-confined. */
    private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();

    private final EventLoopGroup group0;
    private final int connectionsPerLoop;
    private volatile SslContext sslContext;
    private Channel serverChannel;

    public ProxyServer(FrontDoorConfig config, OriginGroup group, FrontDoorMetrics metrics, AzureRefs azureRefs) {
        this.config = config;
        this.group = group;
        this.metrics = metrics;
        this.azureRefs = azureRefs;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory ioHandlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.socketChannelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.group0 = new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory("hadr-frontdoor-io", true), ioHandlers);
        for (EventExecutor executor : group0) {
            loops.put(executor, new Loop((EventLoop) executor));
        }
        // The origin's connection limit is shared out between the loops, each of which keeps its own pool.
        this.connectionsPerLoop = Math.max(1, (config.maxConnectionsPerOrigin() + threads - 1) / threads);
        LOG.debug("data path on {} event loop(s), {}", threads, epoll ? "epoll" : "NIO");
    }

    /** Binds the listening socket; throws what the bind threw (e.g. the port is taken). */
    public void start() throws Exception {
        Class<? extends ServerChannel> serverChannelType = socketChannelType == EpollSocketChannel.class
                ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group0)
                .channel(serverChannelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new ClientConnection(ProxyServer.this, loop(channel.eventLoop())));
                    }
                });
        serverChannel = bootstrap
                .bind(new InetSocketAddress(config.host(), config.port()))
                .sync()
                .channel();
    }

    /** The port the front door listens on (the actual one when the configured port was 0), or -1 before start. */
    public int localPort() {
        Channel channel = serverChannel;
        return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    Loop loop(EventLoop eventLoop) {
        return loops.get(eventLoop);
    }

    int connectionsPerLoop() {
        return connectionsPerLoop;
    }

    /** The TLS client context for HTTPS origins (the JVM's trust store), made when the first one is used. */
    SslContext sslContext() throws SSLException {
        SslContext context = sslContext;
        if (context == null) {
            synchronized (this) {
                context = sslContext;
                if (context == null) {
                    context = SslContextBuilder.forClient()
                            .endpointIdentificationAlgorithm("HTTPS")
                            .build();
                    sslContext = context;
                }
            }
        }
        return context;
    }

    /** Closes the pooled connections to a removed origin, on every loop. */
    public void closeConnectionsTo(OriginState origin) {
        for (Loop loop : loops.values()) {
            if (!loop.eventLoop.isShuttingDown()) {
                loop.eventLoop.execute(() -> loop.removePool(origin));
            }
        }
    }

    /** Stops listening and closes every connection; waits up to 10 s for the loops' threads to end. */
    @Override
    public void close() {
        Channel channel = serverChannel;
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group0.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** What one event loop owns: a pool of connections per origin. Used on that loop's thread only. */
    final class Loop {

        final EventLoop eventLoop;
        /** Where heads are assembled, one at a time. */
        final HttpWriting heads = new HttpWriting();

        private final Map<OriginState, OriginPool> pools = new IdentityHashMap<>();
        private byte[] headBytes = new byte[HEAD_COPY_LIMIT];

        Loop(EventLoop eventLoop) {
            this.eventLoop = eventLoop;
        }

        OriginPool pool(OriginState origin) {
            OriginPool pool = pools.get(origin);
            if (pool == null) {
                pool = new OriginPool(ProxyServer.this, this, origin, connectionsPerLoop);
                pools.put(origin, pool);
            }
            return pool;
        }

        /**
         * A heap copy of up to {@link #HEAD_COPY_LIMIT} bytes of {@code input} (from its reader
         * index), for parsing a head: Jetty's parser looks header names and values up in tries,
         * which it does much faster on an array than on a direct buffer. The copy is valid until
         * the next call on this loop.
         */
        ByteBuffer headCopy(ByteBuf input) {
            int n = Math.min(input.readableBytes(), HEAD_COPY_LIMIT);
            input.getBytes(input.readerIndex(), headBytes, 0, n);
            return ByteBuffer.wrap(headBytes, 0, n);
        }

        void removePool(OriginState origin) {
            OriginPool pool = pools.remove(origin);
            if (pool != null) {
                pool.closeIdle();
            }
        }
    }
}
