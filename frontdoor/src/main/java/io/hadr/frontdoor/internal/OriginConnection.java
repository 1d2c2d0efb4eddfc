package io.hadr.frontdoor.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.BufferUtil;

/**
 * One keep-alive HTTP/1.1 connection from the front door to an origin, on the event loop of the
 * client connections that use it. It writes a request's head and body as they come and parses the
 * origin's answer with Jetty's {@link HttpParser}, handing each part to the exchange it serves.
 *
 * <p>Azure's origin response timeout is a send/receive timeout: it limits each wait for the origin,
 * not the whole transfer. While an exchange is on the connection, a timer checks that bytes moved
 * within the timeout; the timer is set once and re-armed lazily, not per read.
 */
final class OriginConnection extends ChannelInboundHandlerAdapter implements HttpParser.ResponseHandler {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final ProxyServer server;
    private final OriginPool pool;
    private final ProxyServer.Loop loop;
    private final HttpParser parser;
    private final long createdNanos = System.nanoTime();
    private final long timeoutNanos;
    private Channel channel;
    private boolean active;
    private boolean closed;

    private ByteBuf input;
    private ByteBuffer inputView;
    private int inputBase;

    private ProxyExchange exchange;
    private boolean requestChunked;
    private boolean requestComplete;
    private boolean interim;
    private int status;
    private HttpFields.Mutable responseHeaders;
    private boolean responseComplete;
    private boolean keepAlive;
    /** Reading stopped because the client does not take more of the answer yet. */
    private boolean paused;

    private long lastActivity;
    private ScheduledFuture<?> timeout;

    OriginConnection(ProxyServer server, OriginPool pool, ProxyServer.Loop loop) {
        this.server = server;
        this.pool = pool;
        this.loop = loop;
        this.parser = new HttpParser(this, FrontDoorLimits.MAX_RESPONSE_HEADERS_BYTES, HttpCompliance.RFC9110);
        this.timeoutNanos = server.config.timeouts().originResponse().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        ctx.fireChannelActive();
    }

    boolean isUsable(long now) {
        return active && !closed && channel.isActive() && now - createdNanos < OriginPool.MAX_CONNECTION_AGE_NANOS;
    }

    Channel channel() {
        return channel;
    }

    /** Starts an exchange: writes the request head; {@link #endBody()} or the client's next read flushes it. */
    void send(ProxyExchange exchange, ByteBuf head, boolean chunked, boolean headRequest) {
        this.exchange = exchange;
        this.requestChunked = chunked;
        this.requestComplete = false;
        this.responseComplete = false;
        this.responseHeaders = null;
        this.interim = false;
        this.keepAlive = true;
        parser.reset();
        parser.setHeadResponse(headRequest);
        lastActivity = System.nanoTime();
        armTimeout();
        channel.write(head, channel.voidPromise());
    }

    /** Writes a piece of the request body; false when the origin does not take more for now. */
    boolean writeBody(ByteBuf content) {
        lastActivity = System.nanoTime();
        if (requestChunked) {
            int length = content.readableBytes();
            if (length == 0) {
                content.release();
                return channel.isWritable();
            }
            ByteBuf size = channel.alloc().ioBuffer(12);
            size.writeCharSequence(Integer.toHexString(length), java.nio.charset.StandardCharsets.US_ASCII);
            size.writeBytes(CRLF);
            channel.write(size, channel.voidPromise());
            channel.write(content, channel.voidPromise());
            channel.write(channel.alloc().ioBuffer(2).writeBytes(CRLF), channel.voidPromise());
        } else {
            channel.write(content, channel.voidPromise());
        }
        return channel.isWritable();
    }

    /** The request body is complete. */
    void endBody() {
        requestComplete = true;
        if (requestChunked) {
            channel.write(channel.alloc().ioBuffer(5).writeBytes(LAST_CHUNK), channel.voidPromise());
        }
        channel.flush();
    }

    void flush() {
        channel.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            lastActivity = System.nanoTime();
            if (exchange != null) {
                exchange.onOriginWritable();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The client takes no more of the answer for now: stop reading from the origin. */
    void pause() {
        paused = true;
        channel.config().setAutoRead(false);
    }

    /** The client takes more again. */
    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        lastActivity = System.nanoTime();
        channel.config().setAutoRead(true);
        parse();
        if (exchange != null) {
            exchange.flushClient();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        lastActivity = System.nanoTime();
        if (exchange == null) {
            // An idle connection has nothing to say; whatever it sends cannot belong to a request.
            bytes.release();
            close();
            return;
        }
        if (input == null) {
            input = bytes;
        } else {
            input = ClientConnection.append(ctx.alloc(), input, bytes);
        }
        parse();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushClient();
        }
    }

    private void parse() {
        while (exchange != null && !paused && !closed) {
            boolean head = parser.inHeaderState();
            ByteBuffer view = input == null
                    ? BufferUtil.EMPTY_BUFFER
                    : head ? loop.headCopy(input) : input.nioBuffer(input.readerIndex(), input.readableBytes());
            inputView = view;
            inputBase = input == null ? 0 : input.readerIndex();
            boolean stopped;
            try {
                stopped = parser.parseNext(view);
            } finally {
                consumed(view);
            }
            if (interim) {
                // A 1xx answer before the real one (e.g. 103 Early Hints): not relayed, the real answer follows.
                interim = false;
                parser.reset();
                parser.setHeadResponse(exchange.isHead());
                continue;
            }
            if (responseComplete) {
                if (!requestComplete) {
                    // The origin answered before it had the whole body (e.g. 413): the rest cannot be sent on.
                    keepAlive = false;
                }
                finish();
                return;
            }
            if (stopped) {
                continue; // a callback stopped the parser (the head is done): on with what is left, if anything
            }
            if (!head || input == null || view.position() == 0) {
                return; // more has to arrive
            }
            // else the head is longer than one copy: parse on
        }
    }

    private void consumed(ByteBuffer view) {
        if (input != null) {
            input.readerIndex(inputBase + view.position());
            if (!input.isReadable()) {
                input.release();
                input = null;
            }
        }
        inputView = null;
    }

    /** The answer and the request are complete: the connection goes back to the pool, or closes. */
    private void finish() {
        ProxyExchange done = exchange;
        exchange = null;
        boolean reusable = keepAlive && input == null && !closed;
        if (reusable) {
            pool.release(this);
        } else {
            close();
        }
        if (done != null) {
            done.onResponseComplete();
        }
    }

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
        this.responseHeaders = HttpFields.build();
        keepAlive = version == HttpVersion.HTTP_1_1;
    }

    @Override
    public void parsedHeader(HttpField field) {
        if (field.getHeader() == HttpHeader.CONNECTION) {
            if (field.contains(HttpHeaderValue.CLOSE.asString())) {
                keepAlive = false;
            } else if (field.contains(HttpHeaderValue.KEEP_ALIVE.asString())) {
                keepAlive = true;
            }
        }
        responseHeaders.add(field);
    }

    @Override
    public boolean headerComplete() {
        if (status >= 100 && status < 200 && status != 101) {
            return false;
        }
        long contentLength = parser.isChunking() ? -1 : parser.getContentLength();
        exchange.onResponseHead(status, responseHeaders, contentLength);
        // Stop here: the head was parsed from a heap copy, the body is relayed from the network buffer itself.
        return true;
    }

    @Override
    public boolean content(ByteBuffer chunk) {
        if (chunk.remaining() == 0) {
            return false;
        }
        ByteBuf slice = input.retainedSlice(inputBase + inputView.position() - chunk.remaining(), chunk.remaining());
        if (!exchange.onResponseContent(slice)) {
            pause();
            return true;
        }
        return false;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        if (status >= 100 && status < 200 && status != 101) {
            interim = true;
            return true;
        }
        responseComplete = true;
        if (!parser.isState(HttpParser.State.END)) {
            // The answer ended with the connection (no length, no chunks): nothing more can follow on it.
            keepAlive = false;
        }
        return true;
    }

    @Override
    public void earlyEOF() {
        // The answer was cut short, or (Jetty's parser reports it the same way) its chunks are malformed.
        fail(new EOFException("the origin's answer ended before it was complete"));
    }

    @Override
    public void badMessage(HttpException failure) {
        fail((Throwable) failure);
    }

    /** Sends the origin no more and drops the connection (the client went away, or the exchange failed). */
    void abort() {
        exchange = null;
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (input != null) {
            input.release();
            input = null;
        }
        channel.close();
    }

    private void fail(Throwable failure) {
        ProxyExchange failed = exchange;
        exchange = null;
        close();
        if (failed != null) {
            failed.onOriginFailure(failure);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null && !closed) {
            // An answer delimited by the end of the connection ends here; anything else was cut short.
            parser.atEOF();
            parse();
        }
        if (exchange != null) {
            fail(new EOFException("the origin closed the connection"));
        }
        closed = true;
        if (input != null) {
            input.release();
            input = null;
        }
        if (active) {
            pool.closed(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            fail(cause);
        } else {
            close();
        }
    }

    private void armTimeout() {
        if (timeout == null) {
            timeout = channel.eventLoop().schedule(this::checkTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkTimeout() {
        timeout = null;
        if (exchange == null || closed) {
            return;
        }
        long now = System.nanoTime();
        long idle = now - lastActivity;
        if (paused) {
            // Waiting for the client is not the origin's delay; the client connection has its own timeout.
            lastActivity = now;
            idle = 0;
        }
        if (idle >= timeoutNanos) {
            fail(new TimeoutException("the origin did not answer within "
                    + Checks.human(server.config.timeouts().originResponse())));
        } else {
            timeout = channel.eventLoop().schedule(this::checkTimeout, timeoutNanos - idle, TimeUnit.NANOSECONDS);
        }
    }
}
