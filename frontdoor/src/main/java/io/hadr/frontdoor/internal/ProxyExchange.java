package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the front door, across its (at most two) attempts on
 * origins: picks the origin, forwards the request with Azure Front Door's request headers, relays
 * the answer with Azure's response headers, and turns failures into Azure's error answers.
 * Variables are named by the leg of the trip they are on ({@code clientToProxy…},
 * {@code proxyToOrigin…}, {@code originToProxy…}, {@code proxyToClient…}).
 *
 * <p>Everything happens on the client connection's event loop, which also drives the origin
 * connection: no locks. Bodies are never held: each piece read from one side is written to the
 * other, and reading stops while the other side does not take more.
 */
final class ProxyExchange {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    static final String AFFINITY_COOKIE = "ASLBSA";
    static final String AFFINITY_CORS_COOKIE = "ASLBSACORS";
    private static final Pattern HOPS = Pattern.compile("hops=(\\d{1,4})");
    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPACE = {' '};
    private static final byte[] HOST = HttpWriting.nameColonSpace("Host");
    private static final byte[] VIA = HttpWriting.nameColonSpace("Via");
    private static final byte[] X_AZURE_CLIENT_IP = HttpWriting.nameColonSpace("X-Azure-ClientIP");
    private static final byte[] X_AZURE_SOCKET_IP = HttpWriting.nameColonSpace("X-Azure-SocketIP");
    private static final byte[] X_AZURE_REF = HttpWriting.nameColonSpace("X-Azure-Ref");
    private static final byte[] X_AZURE_REQUEST_CHAIN = HttpWriting.nameColonSpace("X-Azure-RequestChain");
    private static final byte[] X_AZURE_FDID = HttpWriting.nameColonSpace("X-Azure-FDID");
    private static final byte[] X_FORWARDED_FOR = HttpWriting.nameColonSpace("X-Forwarded-For");
    private static final byte[] X_FORWARDED_HOST = HttpWriting.nameColonSpace("X-Forwarded-Host");
    private static final byte[] X_FORWARDED_PROTO_HTTP =
            "X-Forwarded-Proto: http\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] X_CACHE_FIELD =
            ("X-Cache: " + ErrorAnswers.X_CACHE_VALUE + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED_FIELD = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE_FIELD = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final ProxyServer server;
    private final ClientConnection client;
    private final String method;
    private final String target;
    private final HttpVersion clientVersion;
    private final HttpFields clientToProxyHeaders;
    private final boolean hasBody;
    private final boolean clientChunked;
    private final boolean head;
    private final String azureRef;
    private final boolean debugHeaders;

    private OriginState origin;
    private OriginPool pool;
    private OriginConnection connection;
    private boolean originReleased = true;
    private boolean waitingForConnection;
    private boolean retried;
    private boolean bodyTouched;
    private boolean requestComplete;
    private boolean responseBegun;
    private boolean committed;
    private boolean proxyToClientChunked;
    private boolean closeAfter;
    private boolean done;

    ProxyExchange(
            ProxyServer server,
            ClientConnection client,
            String method,
            String target,
            HttpVersion clientVersion,
            HttpFields clientToProxyHeaders,
            boolean hasBody,
            boolean clientChunked) {
        this.server = server;
        this.client = client;
        this.method = method;
        this.target = target;
        this.clientVersion = clientVersion;
        this.clientToProxyHeaders = clientToProxyHeaders;
        this.hasBody = hasBody;
        this.clientChunked = clientChunked;
        this.requestComplete = !hasBody;
        this.head = "HEAD".equals(method);
        this.azureRef = server.azureRefs.next();
        this.debugHeaders = "1".equals(clientToProxyHeaders.get("X-Azure-DebugInfo"));
    }

    boolean isHead() {
        return head;
    }

    void start() {
        String tooLong = tooLong(clientToProxyHeaders.get(HttpHeader.HOST), pathQuery());
        if (tooLong != null) {
            writeError(ErrorInfo.InvalidRequest, HttpStatus.URI_TOO_LONG_414, tooLong, null, null);
            return;
        }
        String affinityToken = server.config.sessionAffinity() ? readAffinityToken(clientToProxyHeaders) : null;
        Optional<OriginState> chosen = server.group.acquire(affinityToken, Set.of());
        if (chosen.isEmpty()) {
            writeError(ErrorInfo.NoEligibleOrigin, null, null);
            return;
        }
        attempt(chosen.get());
    }

    private void attempt(OriginState target) {
        origin = target;
        originReleased = false;
        pool = client.loop().pool(target);
        waitingForConnection = true;
        pool.acquire(this);
    }

    // ---- the origin connection ----

    /** A connection to the origin is ready (pooled or new): the request goes out on it. */
    void onOriginConnection(OriginConnection originConnection) {
        waitingForConnection = false;
        if (done) {
            // The client went away meanwhile; the unused connection serves the next request.
            pool.release(originConnection);
            return;
        }
        connection = originConnection;
        ByteBuf proxyToOriginHead = proxyToOriginHead(originConnection);
        originConnection.send(this, proxyToOriginHead, clientChunked, head);
        if (requestComplete) {
            originConnection.endBody();
        } else {
            client.startBody();
        }
    }

    void onOriginConnectFailed(Throwable failure) {
        waitingForConnection = false;
        if (done) {
            return;
        }
        onOriginFailure(failure);
    }

    boolean requestContent(ByteBuf clientToProxyContent) {
        if (connection == null || done) {
            clientToProxyContent.release();
            return true;
        }
        bodyTouched = true;
        return connection.writeBody(clientToProxyContent);
    }

    void requestComplete() {
        requestComplete = true;
        if (connection != null) {
            connection.endBody();
        }
    }

    void flushOrigin() {
        if (connection != null) {
            connection.flush();
        }
    }

    void flushClient() {
        client.flush();
    }

    void onOriginWritable() {
        client.resumeBody();
    }

    void onClientWritable() {
        if (connection != null) {
            connection.resume();
        }
    }

    /** The origin's status and headers: relayed with Azure's response headers. */
    boolean onResponseHead(int status, HttpFields originToProxyHeaders, long contentLength) {
        responseBegun = true;
        origin.countServed();
        boolean bodyless =
                head || status == HttpStatus.NO_CONTENT_204 || status == HttpStatus.NOT_MODIFIED_304 || status < 200;
        closeAfter = client.willClose();
        if (!bodyless && contentLength < 0) {
            if (closeAfter) {
                proxyToClientChunked = false; // the end of the connection ends the body
            } else {
                proxyToClientChunked = true;
            }
        }
        HttpWriting proxyToClientHead = client.loop().heads.start().statusLine(status);
        Set<String> connectionListed = connectionTokens(originToProxyHeaders);
        for (HttpField field : originToProxyHeaders) {
            if (!isHopByHop(field)
                    && (connectionListed.isEmpty() || !connectionListed.contains(field.getLowerCaseName()))) {
                proxyToClientHead.field(field);
            }
        }
        proxyToClientHead.field(X_AZURE_REF, azureRef).append(X_CACHE_FIELD);
        if (debugHeaders) {
            proxyToClientHead.field("X-Azure-OriginStatusCode", String.valueOf(status));
        }
        if (server.config.sessionAffinity()) {
            String affinityToken = readAffinityToken(clientToProxyHeaders);
            if (!origin.affinityToken().equals(affinityToken) && mayEstablishAffinity(status, originToProxyHeaders)) {
                // No HTTPS listener: the cookie is never marked Secure, and the CORS variant needs Secure.
                proxyToClientHead.field(
                        HttpHeader.SET_COOKIE.asString(),
                        AFFINITY_COOKIE + "=" + origin.affinityToken() + "; Path=/; HttpOnly");
            }
        }
        if (proxyToClientChunked) {
            proxyToClientHead.append(CHUNKED_FIELD);
        }
        if (closeAfter) {
            proxyToClientHead.append(CLOSE_FIELD);
        }
        committed = true;
        client.write(proxyToClientHead.crlf().toBuffer(client.channel().alloc(), 0));
        return false;
    }

    /** A piece of the origin's body; false when the client does not take more for now. */
    boolean onResponseContent(ByteBuf originToProxyContent) {
        if (proxyToClientChunked) {
            ByteBuf size = client.channel().alloc().ioBuffer(12);
            size.writeCharSequence(
                    Integer.toHexString(originToProxyContent.readableBytes()), StandardCharsets.US_ASCII);
            size.writeBytes(CRLF);
            client.write(size);
            client.write(originToProxyContent);
            client.write(Unpooled.wrappedBuffer(CRLF));
        } else {
            client.write(originToProxyContent);
        }
        return client.isWritable();
    }

    /** The origin's answer is complete (and the connection back in its pool, or closed). */
    void onResponseComplete() {
        connection = null;
        releaseOrigin();
        if (done) {
            return;
        }
        done = true;
        if (proxyToClientChunked) {
            client.write(Unpooled.wrappedBuffer(LAST_CHUNK));
        }
        client.responseDone(closeAfter || !requestComplete);
    }

    /** The attempt on the current origin failed (no connection, cut, invalid answer, timeout). */
    void onOriginFailure(Throwable failure) {
        OriginState failed = origin;
        connection = null;
        releaseOrigin();
        if (done) {
            return;
        }
        ErrorInfo info = Failures.classify(failure);
        if (info.blamesOrigin()) {
            failed.countFailure(info);
        }
        if (info == ErrorInfo.OriginConnectionRefused) {
            server.group.recordConnectionRefused(failed);
        }
        if (server.config.retryOnNextOrigin()
                && !retried
                && Failures.isRetryable(method, failure, responseBegun, bodyTouched)) {
            // A request is retried once, so the origin that just failed is the only one tried.
            Optional<OriginState> next = server.group.acquire(null, Set.of(failed));
            if (next.isPresent()) {
                retried = true;
                failed.countRetriedAway(info);
                LOG.debug(
                        "{} {} {} failed on origin '{}' ({}), retrying on '{}'",
                        azureRef,
                        method,
                        target,
                        failed.name(),
                        info,
                        next.get().name());
                client.pauseBody();
                attempt(next.get());
                return;
            }
        }
        LOG.debug("{} {} {} failed on origin '{}': {}", azureRef, method, target, failed.name(), info, failure);
        if (committed) {
            // The status line is gone; all that is left is to cut the response, as any proxy must.
            server.metrics.countErrorResponse(info);
            done = true;
            client.abort();
        } else {
            writeError(info, failed, failure);
        }
    }

    /** The client went away (closed, reset, idle): the origin side is dropped too. */
    void onClientGone(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        server.metrics.countErrorResponse(ErrorInfo.ClientDisconnected);
        LOG.debug("{} {} {}: {}", azureRef, method, target, cause.toString());
        if (waitingForConnection) {
            pool.cancel(this);
        }
        if (connection != null) {
            connection.abort();
            connection = null;
        }
        releaseOrigin();
    }

    /** The client's request body turned out malformed: refused like any malformed request. */
    void onClientBadRequest(int status) {
        if (connection != null) {
            connection.abort();
            connection = null;
        }
        if (waitingForConnection) {
            pool.cancel(this);
        }
        releaseOrigin();
        if (done) {
            return;
        }
        if (committed) {
            done = true;
            client.abort();
            return;
        }
        writeError(ErrorInfo.InvalidRequest, status, ClientConnection.badMessageText(status), null, null);
    }

    /** The front door's own code failed on this request: answered 500 with Azure's error info, not a cut. */
    void onOwnFailure(Throwable failure) {
        if (connection != null) {
            connection.abort();
            connection = null;
        }
        releaseOrigin();
        if (done) {
            return;
        }
        if (committed) {
            done = true;
            client.abort();
            return;
        }
        writeError(ErrorInfo.UnspecifiedError, HttpStatus.INTERNAL_SERVER_ERROR_500, null, null, failure);
    }

    private void releaseOrigin() {
        if (!originReleased) {
            originReleased = true;
            origin.release();
        }
    }

    private void writeError(ErrorInfo info, OriginState failedOrigin, Throwable cause) {
        writeError(info, info.httpStatus(), null, failedOrigin, cause);
    }

    /** The front door's error answer (see {@link ErrorAnswers}), with Azure's debug header on request. */
    private void writeError(ErrorInfo info, int status, String message, OriginState failedOrigin, Throwable cause) {
        done = true;
        server.metrics.countErrorResponse(info);
        HttpFields.Mutable fields = HttpFields.build();
        ByteBuffer body = ErrorAnswers.prepare(
                fields, status, info, message, failedOrigin == null ? null : failedOrigin.name(), azureRef);
        boolean close = hasBody || client.willClose();
        if (close) {
            // The request body may be partly unread; the connection cannot carry another request then.
            fields.put(HttpHeader.CONNECTION, "close");
        }
        if (debugHeaders && cause != null) {
            fields.put("X-Azure-ExternalError", printable(String.valueOf(cause)));
        }
        ByteBuf proxyToClientAnswer = client.loop()
                .heads
                .start()
                .statusLine(status)
                .fields(fields)
                .crlf()
                .toBuffer(client.channel().alloc(), body.remaining());
        if (!head) {
            proxyToClientAnswer.writeBytes(body);
        }
        committed = true;
        client.write(proxyToClientAnswer);
        client.flush();
        client.responseDone(close);
    }

    // ---- the request to the origin ----

    private String pathQuery() {
        if (!target.isEmpty() && target.charAt(0) == '/' || "*".equals(target)) {
            return target;
        }
        // Absolute form (a client talking to the front door as to a proxy): only path and query go on.
        HttpURI uri = HttpURI.from(target);
        String pathQuery = uri.getPathQuery();
        return pathQuery == null || pathQuery.isEmpty() ? "/" : pathQuery;
    }

    /**
     * The request line and headers towards the origin: the client's headers without hop-by-hop
     * ones, without those listed in {@code Connection}, without the client's {@code X-FD-*}, and
     * with Azure's: {@code Via}, {@code X-Azure-ClientIP}, {@code X-Azure-SocketIP},
     * {@code X-Azure-Ref}, {@code X-Azure-RequestChain}, {@code X-Azure-FDID}, and
     * {@code X-Forwarded-For} appended, {@code X-Forwarded-Host}/{@code -Proto} overwritten.
     */
    private ByteBuf proxyToOriginHead(OriginConnection originConnection) {
        HttpWriting out = client.loop()
                .heads
                .start()
                .append(method)
                .append(SPACE)
                .append(pathQuery())
                .append(HTTP_1_1_CRLF)
                .field(HOST, pool.hostHeader);

        Set<String> connectionListed = connectionTokens(clientToProxyHeaders);
        String via = null;
        String forwardedFor = null;
        String host = null;
        int incomingHops = 0;
        for (HttpField field : clientToProxyHeaders) {
            HttpHeader header = field.getHeader();
            if (header != null) {
                switch (header) {
                    case HOST -> {
                        host = field.getValue();
                        continue;
                    }
                    case VIA -> {
                        via = via == null ? field.getValue() : via + ", " + field.getValue();
                        continue;
                    }
                    case X_FORWARDED_FOR -> {
                        forwardedFor = forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
                        continue;
                    }
                    case EXPECT,
                            X_FORWARDED_HOST,
                            X_FORWARDED_PROTO,
                            CONNECTION,
                            KEEP_ALIVE,
                            PROXY_AUTHORIZATION,
                            PROXY_AUTHENTICATE,
                            PROXY_CONNECTION,
                            TRANSFER_ENCODING,
                            TE,
                            TRAILER,
                            UPGRADE -> {
                        continue;
                    }
                    default -> {}
                }
            } else {
                String name = field.getName();
                if (name.regionMatches(true, 0, "X-Azure-", 0, 8)) {
                    if (name.equalsIgnoreCase("X-Azure-RequestChain")) {
                        incomingHops = incomingHops(field.getValue());
                        continue;
                    }
                    if (SET_BY_FRONT_DOOR_AZURE.contains(name.toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                } else if (name.regionMatches(true, 0, "X-FD-", 0, 5)) {
                    // Azure removes reserved headers with the X-FD-* prefix sent by clients.
                    continue;
                } else if (name.equalsIgnoreCase("Keep-Alive") || name.equalsIgnoreCase("Proxy-Connection")) {
                    continue;
                }
            }
            if (!connectionListed.isEmpty() && connectionListed.contains(field.getLowerCaseName())) {
                continue;
            }
            out.field(field);
        }
        String socketIp = client.remoteAddress();
        // X-Azure-ClientIP may differ from the socket: "the client IP can be arbitrarily overwritten by a user".
        String clientIp = forwardedFor == null || forwardedFor.isBlank() ? socketIp : firstEntry(forwardedFor);
        String ourVia = (clientVersion == HttpVersion.HTTP_1_0 ? "1.0" : "1.1") + " Azure";
        out.field(VIA, via == null || via.isBlank() ? ourVia : via + ", " + ourVia)
                .field(X_AZURE_CLIENT_IP, clientIp)
                .field(X_AZURE_SOCKET_IP, socketIp)
                .field(X_AZURE_REF, azureRef)
                .field(X_AZURE_REQUEST_CHAIN, incomingHops == 0 ? "hops=1" : "hops=" + (incomingHops + 1))
                .field(X_AZURE_FDID, server.config.frontDoorId())
                // Azure appends the socket IP to X-Forwarded-For and overwrites X-Forwarded-Host and -Proto.
                .field(
                        X_FORWARDED_FOR,
                        forwardedFor == null || forwardedFor.isBlank() ? socketIp : forwardedFor + ", " + socketIp)
                .field(X_FORWARDED_HOST, host != null ? host : client.localAuthority())
                .append(X_FORWARDED_PROTO_HTTP);
        if (clientChunked) {
            out.append(CHUNKED_FIELD);
        }
        return out.crlf().toBuffer(originConnection.channel().alloc(), 0);
    }

    /** Request headers of Azure's that the front door sets itself, whatever the client sent (lower case). */
    private static final Set<String> SET_BY_FRONT_DOOR_AZURE =
            Set.of("x-azure-clientip", "x-azure-socketip", "x-azure-ref", "x-azure-requestchain", "x-azure-fdid");

    /** RFC 9110 §7.6.1 hop-by-hop headers, plus Proxy-Connection and Keep-Alive as Jetty's ProxyHandler strips them. */
    private static boolean isHopByHop(HttpField field) {
        HttpHeader header = field.getHeader();
        if (header != null) {
            return switch (header) {
                case CONNECTION,
                        KEEP_ALIVE,
                        PROXY_AUTHORIZATION,
                        PROXY_AUTHENTICATE,
                        PROXY_CONNECTION,
                        TRANSFER_ENCODING,
                        TE,
                        TRAILER,
                        UPGRADE -> true;
                default -> false;
            };
        }
        String name = field.getName();
        return name.equalsIgnoreCase("Keep-Alive") || name.equalsIgnoreCase("Proxy-Connection");
    }

    private static String firstEntry(String list) {
        int comma = list.indexOf(',');
        return (comma < 0 ? list : list.substring(0, comma)).trim();
    }

    private static int incomingHops(String chain) {
        if (chain == null) {
            return 0;
        }
        Matcher matcher = HOPS.matcher(chain);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    /**
     * Why the request's URL is longer than Azure Front Door accepts (8,192 bytes for the whole raw
     * URL, counted as {@code http://host[:port]path[?query]}, 4,096 for the query string), or null
     * when it is not.
     */
    static String tooLong(String host, String pathQuery) {
        int questionMark = pathQuery.indexOf('?');
        int queryLength = questionMark < 0 ? -1 : pathQuery.length() - questionMark - 1;
        if (queryLength > FrontDoorLimits.MAX_QUERY_BYTES) {
            return "the query string is " + queryLength + " bytes; the front door accepts at most "
                    + FrontDoorLimits.MAX_QUERY_BYTES;
        }
        int length = "http://".length() + (host == null ? 0 : host.length()) + pathQuery.length();
        if (length > FrontDoorLimits.MAX_URL_BYTES) {
            return "the URL is " + length + " bytes; the front door accepts at most " + FrontDoorLimits.MAX_URL_BYTES;
        }
        return null;
    }

    private static Set<String> connectionTokens(HttpFields headers) {
        List<String> values = null;
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.CONNECTION) {
                if (values == null) {
                    values = new java.util.ArrayList<>(2);
                }
                values.add(field.getValue());
            }
        }
        if (values == null) {
            return Set.of();
        }
        Set<String> tokens = new HashSet<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                tokens.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    static String readAffinityToken(HttpFields headers) {
        String corsToken = null;
        for (String cookieHeader : headers.getValuesList(HttpHeader.COOKIE)) {
            for (String pair : cookieHeader.split(";")) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String name = pair.substring(0, equals).trim();
                String value = pair.substring(equals + 1).trim();
                if (AFFINITY_COOKIE.equals(name)) {
                    return value;
                }
                if (AFFINITY_CORS_COOKIE.equals(name)) {
                    corsToken = value;
                }
            }
        }
        return corsToken;
    }

    /**
     * Azure does not establish session affinity on a response that shared caches may store, since
     * the cookie would then reach other clients; it does on a 302 and on responses marked
     * {@code no-store}, {@code no-cache} or {@code private}, and on responses without caching
     * headers, which only heuristics could cache.
     */
    static boolean mayEstablishAffinity(int status, HttpFields originToProxyHeaders) {
        if (status == HttpStatus.FOUND_302) {
            return true;
        }
        String cacheControl = String.join(",", originToProxyHeaders.getValuesList(HttpHeader.CACHE_CONTROL))
                .toLowerCase(Locale.ROOT);
        if (cacheControl.contains("no-store")
                || cacheControl.contains("no-cache")
                || cacheControl.contains("private")) {
            return true;
        }
        if (cacheControl.contains("public") || cacheControl.matches(".*(s-maxage|max-age)\\s*=\\s*[1-9].*")) {
            return false;
        }
        String expires = originToProxyHeaders.get(HttpHeader.EXPIRES);
        return expires == null || expires.equals("0") || expires.equals("-1");
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return out.toString();
    }
}
