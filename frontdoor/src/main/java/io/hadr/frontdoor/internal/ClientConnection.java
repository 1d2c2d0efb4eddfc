package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's HTTP/1.1 connection to the front door. Requests are parsed with Jetty's
 * {@link HttpParser} under RFC 9110 compliance, the rules the front door's Jetty server applied
 * before (a request with both {@code Content-Length} and {@code Transfer-Encoding}, a duplicated
 * or blank {@code Host}, a malformed chunk or header is refused, so requests cannot be smuggled
 * past it), one request at a time: the next one on the connection is parsed once the answer to
 * this one is complete.
 *
 * <p>A request's body is read only once its origin connection is ready and only as fast as the
 * origin takes it; until then it stays unread, so that a request whose connection could not be
 * opened can go to another origin whole.
 *
 * <p>Timeouts: a client must complete a request's line and headers within the request headers
 * timeout of their first byte (else {@code 408} and the connection is closed: the idle timeout
 * alone restarts with every byte); a connection on which nothing moves for the idle timeout
 * (longer than the origin response timeout, so that a waiting client gets {@code 504} first) is
 * closed.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements HttpParser.RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    /** Bytes read ahead (pipelined requests, a body not wanted yet) before reading stops. */
    private static final int MAX_READ_AHEAD = 64 * 1024;

    private static final byte[] CONTINUE_100 = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum State {
        /** Parsing a request's line and headers (or idle between requests). */
        HEADERS,
        /** The request's head is complete; its body waits for the origin connection. */
        WAITING,
        /** The body is being read and relayed. */
        BODY,
        /** The request is complete; its answer is on its way. */
        RESPONDING,
        CLOSED
    }

    private final ProxyServer server;
    private final ProxyServer.Loop loop;
    private final HttpParser parser;
    private final long idleTimeoutNanos;
    private final long headersTimeoutNanos;
    private Channel channel;
    private String remoteAddress;

    private ByteBuf input;
    private ByteBuffer inputView;
    private int inputBase;
    private State state = State.HEADERS;
    private boolean processing;
    private boolean reprocess;
    private boolean bodyPaused;
    private boolean reading = true;

    // The request being parsed.
    private String method;
    private String target;
    private HttpVersion version;
    private HttpFields.Mutable headers;
    private boolean headerDone;
    private boolean messageDone;
    private boolean expectContinue;
    private boolean closeRequested;
    private boolean blankHost;
    private HttpException badMessage;

    private ProxyExchange exchange;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> headersDeadline;

    ClientConnection(ProxyServer server, ProxyServer.Loop loop) {
        this.server = server;
        this.loop = loop;
        this.parser = new HttpParser(this, FrontDoorLimits.MAX_REQUEST_HEADERS_BYTES, HttpCompliance.RFC9110);
        this.idleTimeoutNanos =
                server.config.timeouts().originResponse().plusSeconds(30).toNanos();
        this.headersTimeoutNanos = server.config.timeouts().requestHeaders().toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        remoteAddress = remote.getAddress() == null
                ? remote.getHostString()
                : remote.getAddress().getHostAddress();
        idleCheck = channel.eventLoop().schedule(this::checkIdle, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    // ---- what the exchange uses ----

    ProxyServer.Loop loop() {
        return loop;
    }

    Channel channel() {
        return channel;
    }

    String remoteAddress() {
        return remoteAddress;
    }

    /** The host and port the client connected to, for X-Forwarded-Host when the request has no Host. */
    String localAuthority() {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        return local.getHostString() + ":" + local.getPort();
    }

    /** The answer must end with the connection: the client asked for that, or speaks HTTP/1.0. */
    boolean willClose() {
        return closeRequested || version != HttpVersion.HTTP_1_1;
    }

    void write(ByteBuf bytes) {
        lastActivity = System.nanoTime();
        channel.write(bytes, channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** The origin connection is ready: the body may be read and relayed now. */
    void startBody() {
        if (state != State.WAITING) {
            return;
        }
        state = State.BODY;
        if (expectContinue && version == HttpVersion.HTTP_1_1 && input == null) {
            // The client waits for this before it sends the body (Jetty's server sent it on the first read too).
            expectContinue = false;
            channel.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE_100), channel.voidPromise());
        }
        process();
    }

    /** The body must wait again (its attempt failed before any of it was read, and another origin is tried). */
    void pauseBody() {
        if (state == State.BODY) {
            state = State.WAITING;
        }
    }

    /** The origin takes more of the body again. */
    void resumeBody() {
        if (bodyPaused) {
            bodyPaused = false;
            process();
        }
    }

    /**
     * The answer to the current request is complete (written, not necessarily flushed). With
     * {@code close}, or when the request's body was not read to its end, the connection closes
     * after the answer; otherwise the next request is parsed.
     */
    void responseDone(boolean close) {
        exchange = null;
        lastActivity = System.nanoTime();
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.WAITING && !messageDone) {
            close = true; // the unread body cannot be told from the next request
        }
        if (state == State.BODY && !messageDone) {
            close = true;
        }
        if (close || closeRequested || version != HttpVersion.HTTP_1_1) {
            closeAfterFlush();
            return;
        }
        channel.flush();
        resetRequest();
        state = State.HEADERS;
        process();
    }

    /** Cuts the connection: the answer cannot be completed (its status line is already gone). */
    void abort() {
        exchange = null;
        if (state != State.CLOSED) {
            state = State.CLOSED;
            channel.flush();
            channel.close();
        }
    }

    private void closeAfterFlush() {
        state = State.CLOSED;
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- reading ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        lastActivity = System.nanoTime();
        if (state == State.CLOSED) {
            bytes.release();
            return;
        }
        input = input == null ? bytes : append(ctx.alloc(), input, bytes);
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushOrigin();
        }
        channel.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            lastActivity = System.nanoTime();
            if (exchange != null) {
                exchange.onClientWritable();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void process() {
        if (processing) {
            reprocess = true;
            return;
        }
        processing = true;
        try {
            do {
                reprocess = false;
                step();
            } while (reprocess && state != State.CLOSED);
        } finally {
            processing = false;
        }
        if (state == State.CLOSED) {
            return;
        }
        if (exchange != null && state == State.BODY) {
            exchange.flushOrigin();
        }
        boolean wanted = switch (state) {
            case HEADERS -> true;
            case BODY -> !bodyPaused;
            default -> input == null || input.readableBytes() < MAX_READ_AHEAD;
        };
        if (wanted != reading) {
            reading = wanted;
            channel.config().setAutoRead(wanted);
        }
    }

    private void step() {
        while (true) {
            switch (state) {
                case HEADERS -> {
                    if (input == null) {
                        return;
                    }
                    parse();
                    if (badMessage != null) {
                        answerBadMessage();
                        return;
                    }
                    if (!headerDone) {
                        watchHeadersDeadline();
                        return;
                    }
                    cancelHeadersDeadline();
                    onRequestHead();
                }
                case BODY -> {
                    if (bodyPaused) {
                        return;
                    }
                    boolean stopped = parse();
                    if (badMessage != null) {
                        answerBadMessage();
                        return;
                    }
                    if (messageDone) {
                        state = State.RESPONDING;
                        if (exchange != null) {
                            exchange.requestComplete();
                        }
                        return;
                    }
                    if (!stopped) {
                        return; // more of the body has to arrive
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Runs the parser over what was read; true when a handler callback stopped it. */
    private boolean parse() {
        boolean head = state == State.HEADERS;
        while (true) {
            ByteBuffer view = input == null
                    ? BufferUtil.EMPTY_BUFFER
                    : head ? loop.headCopy(input) : input.nioBuffer(input.readerIndex(), input.readableBytes());
            inputView = view;
            inputBase = input == null ? 0 : input.readerIndex();
            boolean stopped;
            try {
                stopped = parser.parseNext(view);
            } finally {
                if (input != null) {
                    input.readerIndex(inputBase + view.position());
                    if (!input.isReadable()) {
                        input.release();
                        input = null;
                    }
                }
                inputView = null;
            }
            if (head && !stopped && badMessage == null && input != null && view.position() > 0) {
                continue; // the head is longer than one copy: parse on
            }
            return stopped;
        }
    }

    private void onRequestHead() {
        headerDone = false;
        server.metrics.countRequest();
        if (blankHost) {
            badMessage = new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "Blank Host");
            answerBadMessage();
            return;
        }
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
            // Jetty's server answered the HTTP/2 preface of a client without prior knowledge like this too.
            badMessage = new HttpException.RuntimeException(HttpStatus.UPGRADE_REQUIRED_426, "Upgrade Required");
            answerBadMessage();
            return;
        }
        state = messageDone ? State.RESPONDING : State.WAITING;
        exchange = new ProxyExchange(server, this, method, target, version, headers, !messageDone, parser.isChunking());
        exchange.start();
    }

    private void resetRequest() {
        parser.reset();
        method = null;
        target = null;
        version = null;
        headers = null;
        headerDone = false;
        messageDone = false;
        expectContinue = false;
        closeRequested = false;
        blankHost = false;
        bodyPaused = false;
    }

    // ---- HttpParser.RequestHandler ----

    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
        this.method = method;
        this.target = uri;
        this.version = version;
        this.headers = HttpFields.build();
    }

    @Override
    public void parsedHeader(HttpField field) {
        HttpHeader header = field.getHeader();
        if (header != null) {
            switch (header) {
                case CONNECTION -> {
                    if (field.contains(HttpHeaderValue.CLOSE.asString())) {
                        closeRequested = true;
                    }
                }
                case EXPECT -> expectContinue = field.contains(HttpHeaderValue.CONTINUE.asString());
                case HOST ->
                    blankHost = field.getValue() == null || field.getValue().isBlank();
                default -> {}
            }
        }
        headers.add(field);
    }

    @Override
    public boolean headerComplete() {
        headerDone = true;
        return true;
    }

    @Override
    public boolean content(ByteBuffer chunk) {
        if (chunk.remaining() == 0 || exchange == null) {
            return false;
        }
        ByteBuf slice = input.retainedSlice(inputBase + inputView.position() - chunk.remaining(), chunk.remaining());
        if (!exchange.requestContent(slice)) {
            bodyPaused = true;
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
        messageDone = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        // Jetty's parser reports a malformed chunk of the body this way (the client closing mid-request is
        // seen by channelInactive, as the parser is never told of the end of the input).
        badMessage = new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "the request body is malformed");
    }

    @Override
    public void badMessage(HttpException failure) {
        badMessage = failure;
    }

    /**
     * A request the front door cannot parse or refuses (malformed, too large, a bad body): answered
     * with its JSON error, then the connection is closed; no origin is blamed.
     */
    private void answerBadMessage() {
        HttpException failure = badMessage;
        int status = failure.getCode();
        if (status < 400 || status > 599) {
            status = HttpStatus.BAD_REQUEST_400;
        }
        LOG.debug("{}: refusing a request: {} {}", channel, status, failure.getReason());
        if (exchange != null) {
            ProxyExchange current = exchange;
            exchange = null;
            current.onClientBadRequest(status);
            if (state != State.CLOSED) {
                abort();
            }
            return;
        }
        ErrorInfo info = status >= 500 ? ErrorInfo.UnspecifiedError : ErrorInfo.InvalidRequest;
        writeErrorAndClose(status, info, badMessageText(status), HttpMethod.isHead(method));
    }

    static String badMessageText(int status) {
        return switch (status) {
            case HttpStatus.URI_TOO_LONG_414 -> "the request line is longer than the front door accepts";
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 ->
                "the request headers are larger than the front door accepts ("
                        + FrontDoorLimits.MAX_REQUEST_HEADERS_BYTES / 1024 + " KB in all)";
            case HttpStatus.BAD_REQUEST_400 -> "the request is not valid HTTP";
            case HttpStatus.UPGRADE_REQUIRED_426 -> "the front door speaks HTTP/1.1 to clients";
            default -> (status >= 500 ? ErrorInfo.UnspecifiedError : ErrorInfo.InvalidRequest).description();
        };
    }

    private void writeErrorAndClose(int status, ErrorInfo info, String message, boolean head) {
        server.metrics.countErrorResponse(info);
        HttpFields.Mutable fields = HttpFields.build();
        ByteBuffer body = ErrorAnswers.prepare(fields, status, info, message, null, server.azureRefs.next());
        fields.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        ByteBuf out =
                loop.heads.start().statusLine(status).fields(fields).crlf().toBuffer(channel.alloc(), body.remaining());
        if (!head) {
            out.writeBytes(body);
        }
        state = State.CLOSED;
        channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- deadlines ----

    private void watchHeadersDeadline() {
        if (headersDeadline == null && !parser.isStart() && parser.inHeaderState()) {
            headersDeadline =
                    channel.eventLoop().schedule(this::expireHeaders, headersTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancelHeadersDeadline() {
        if (headersDeadline != null) {
            headersDeadline.cancel(false);
            headersDeadline = null;
        }
    }

    private void expireHeaders() {
        headersDeadline = null;
        if (state != State.HEADERS || parser.isStart() || !parser.inHeaderState()) {
            return;
        }
        LOG.debug(
                "{}: request headers not complete within {}; answering 408",
                channel,
                Checks.human(server.config.timeouts().requestHeaders()));
        server.metrics.countErrorResponse(ErrorInfo.UnspecifiedClientError);
        String body = ErrorAnswers.json(
                HttpStatus.REQUEST_TIMEOUT_408,
                ErrorInfo.UnspecifiedClientError,
                "the request headers were not complete within "
                        + Checks.human(server.config.timeouts().requestHeaders()),
                null,
                server.azureRefs.next());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                + ErrorAnswers.ERROR_INFO_HEADER + ": " + ErrorInfo.UnspecifiedClientError.name() + "\r\n"
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        ByteBuf out = channel.alloc().ioBuffer(head.length() + bytes.length);
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        out.writeBytes(bytes);
        state = State.CLOSED;
        channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    private void checkIdle() {
        idleCheck = null;
        if (!channel.isActive()) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle >= idleTimeoutNanos) {
            LOG.debug("{}: idle for {} ms; closing", channel, TimeUnit.NANOSECONDS.toMillis(idle));
            if (exchange != null) {
                ProxyExchange current = exchange;
                exchange = null;
                current.onClientGone(new TimeoutException("the client connection was idle for too long"));
            }
            state = State.CLOSED;
            channel.close();
        } else {
            idleCheck = channel.eventLoop().schedule(this::checkIdle, idleTimeoutNanos - idle, TimeUnit.NANOSECONDS);
        }
    }

    // ---- closing ----

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (exchange != null) {
            ProxyExchange current = exchange;
            exchange = null;
            current.onClientGone(new EOFException("the client closed the connection"));
        }
        if (input != null) {
            input.release();
            input = null;
        }
        cancelHeadersDeadline();
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null && !(cause instanceof java.io.IOException)) {
            // A failure of the front door's own code: answered as Azure's error, never a bare cut.
            LOG.warn("{}: the front door failed on a request", channel, cause);
            ProxyExchange current = exchange;
            exchange = null;
            current.onOwnFailure(cause);
            return;
        }
        LOG.debug("{}: {}", channel, cause.toString());
        // channelInactive tells the exchange, if any.
        channel.close();
    }

    /** Appends what was read to what is still unparsed. */
    static ByteBuf append(ByteBufAllocator alloc, ByteBuf unparsed, ByteBuf read) {
        try {
            if (unparsed.refCnt() == 1 && unparsed.writableBytes() >= read.readableBytes()) {
                unparsed.writeBytes(read);
                return unparsed;
            }
            ByteBuf merged = alloc.ioBuffer(Math.max(1024, unparsed.readableBytes() + read.readableBytes()));
            merged.writeBytes(unparsed);
            merged.writeBytes(read);
            unparsed.release();
            return merged;
        } finally {
            read.release();
        }
    }

    /** Whether a method is HEAD, for answers that have no body then. */
    static final class HttpMethod {
        private HttpMethod() {}

        static boolean isHead(String method) {
            return "HEAD".equals(method);
        }
    }
}
