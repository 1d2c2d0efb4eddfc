package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import io.hadr.frontdoor.FrontDoorConfig;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.URI;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse proxy of the front door: picks an origin for each client request, forwards it with
 * Azure Front Door's request headers, streams both bodies, and turns failures into Azure's error
 * answers. Modelled on Jetty's {@code ProxyHandler}; variables are named by the leg of the trip
 * they are on ({@code clientToProxyRequest}, {@code proxyToOriginRequest},
 * {@code originToProxyResponse}, {@code proxyToClientResponse}).
 *
 * <p>Bodies are never held in memory: each chunk read from one side is written to the other, and
 * the next is read only when that write completed, so a slow client slows only its own origin
 * connection and never blocks other requests.
 */
public final class OriginProxyHandler extends Handler.Abstract.NonBlocking {

    private static final Logger LOG = LoggerFactory.getLogger(OriginProxyHandler.class);

    static final String AFFINITY_COOKIE = "ASLBSA";
    static final String AFFINITY_CORS_COOKIE = "ASLBSACORS";

    /** RFC 9110 §7.6.1 hop-by-hop headers, plus Proxy-Connection and Keep-Alive as Jetty's ProxyHandler strips them. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authorization",
            "proxy-authenticate", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade");
    /** Request headers the front door sets itself, whatever the client sent. */
    private static final Set<String> SET_BY_FRONT_DOOR = Set.of("host", "expect", "via", "x-forwarded-for",
            "x-forwarded-host", "x-forwarded-proto", "x-azure-clientip", "x-azure-socketip", "x-azure-ref",
            "x-azure-requestchain", "x-azure-fdid");
    private static final Pattern HOPS = Pattern.compile("hops=(\\d{1,4})");

    private final OriginGroup group;
    private final HttpClient proxyClient;
    private final FrontDoorMetrics metrics;
    private final AzureRefs azureRefs;
    private final String frontDoorId;
    private final boolean sessionAffinity;
    private final boolean retryOnNextOrigin;

    public OriginProxyHandler(OriginGroup group, HttpClient proxyClient, FrontDoorMetrics metrics, AzureRefs azureRefs,
            FrontDoorConfig config) {
        this.group = group;
        this.proxyClient = proxyClient;
        this.metrics = metrics;
        this.azureRefs = azureRefs;
        this.frontDoorId = config.frontDoorId();
        this.sessionAffinity = config.sessionAffinity();
        this.retryOnNextOrigin = config.retryOnNextOrigin();
    }

    @Override
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        metrics.countRequest();
        new Exchange(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback).start();
        return true;
    }

    /** One client request, across its (at most two) attempts on origins. */
    private final class Exchange {

        private final Request clientToProxyRequest;
        private final Response proxyToClientResponse;
        private final Callback proxyToClientCallback;
        private final String azureRef;
        private final String affinityToken;
        private final boolean debugHeaders;
        private final boolean hasBody;
        private final AtomicBoolean completed = new AtomicBoolean();
        private volatile org.eclipse.jetty.client.Request proxyToOriginRequest;
        private volatile boolean clientFailed;
        private volatile boolean retried;

        Exchange(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
            this.clientToProxyRequest = clientToProxyRequest;
            this.proxyToClientResponse = proxyToClientResponse;
            this.proxyToClientCallback = proxyToClientCallback;
            this.azureRef = azureRefs.next();
            this.affinityToken = sessionAffinity ? readAffinityToken(clientToProxyRequest.getHeaders()) : null;
            this.debugHeaders = "1".equals(clientToProxyRequest.getHeaders().get("X-Azure-DebugInfo"));
            this.hasBody = hasBody(clientToProxyRequest);
        }

        void start() {
            String tooLong = tooLong(clientToProxyRequest.getHttpURI());
            if (tooLong != null) {
                writeError(ErrorInfo.InvalidRequest, HttpStatus.URI_TOO_LONG_414, tooLong, null, null);
                return;
            }
            clientToProxyRequest.addFailureListener(this::onClientFailure);
            Optional<OriginState> origin = group.acquire(affinityToken, Set.of());
            if (origin.isEmpty()) {
                writeError(ErrorInfo.NoEligibleOrigin, null, null);
                return;
            }
            send(origin.get());
        }

        private void onClientFailure(Throwable failure) {
            clientFailed = true;
            org.eclipse.jetty.client.Request current = proxyToOriginRequest;
            if (current != null) {
                current.abort(failure);
            }
        }

        private void send(OriginState origin) {
            org.eclipse.jetty.client.Request request = proxyClient.newRequest(origin.address())
                    .method(clientToProxyRequest.getMethod())
                    .path(clientToProxyRequest.getHttpURI().getPathQuery())
                    .version(HttpVersion.HTTP_1_1)
                    .headers(this::copyRequestHeaders);
            RetryGuardedContent body = hasBody ? new RetryGuardedContent(clientToProxyRequest) : null;
            if (body != null) {
                request.body(body);
            }
            proxyToOriginRequest = request;
            if (clientFailed) {
                request.abort(new java.io.IOException("client went away"));
            }
            // Straight to the origin's destination (connection pool), resolved once per origin rather than per request.
            destination(origin).send(request, new OriginToProxyResponseListener(origin, body));
        }

        private Destination destination(OriginState origin) {
            Destination destination = origin.destination;
            if (destination == null) {
                URI address = origin.address();
                destination = proxyClient.resolveDestination(new Origin(address.getScheme(), address.getHost(),
                        address.getPort() >= 0 ? address.getPort() : URIUtil.getDefaultPortForScheme(address.getScheme())));
                origin.destination = destination;
            }
            return destination;
        }

        private void copyRequestHeaders(HttpFields.Mutable proxyToOriginHeaders) {
            HttpFields clientToProxyHeaders = clientToProxyRequest.getHeaders();
            Set<String> connectionListed = connectionTokens(clientToProxyHeaders);
            for (HttpField field : clientToProxyHeaders) {
                String name = field.getLowerCaseName();
                if (HOP_BY_HOP.contains(name) || SET_BY_FRONT_DOOR.contains(name) || connectionListed.contains(name)
                        // Azure removes reserved headers with the X-FD-* prefix sent by clients.
                        || name.startsWith("x-fd-")) {
                    continue;
                }
                proxyToOriginHeaders.add(field);
            }
            String socketIp = Request.getRemoteAddr(clientToProxyRequest);
            String forwardedFor = String.join(", ", clientToProxyHeaders.getValuesList(HttpHeader.X_FORWARDED_FOR));
            // X-Azure-ClientIP may differ from the socket: "the client IP can be arbitrarily overwritten by a user".
            String clientIp = forwardedFor.isBlank() ? socketIp : forwardedFor.split(",")[0].trim();
            String via = String.join(", ", clientToProxyHeaders.getValuesList(HttpHeader.VIA));
            String ourVia = viaVersion(clientToProxyRequest) + " Azure";
            proxyToOriginHeaders.put(HttpHeader.VIA, via.isBlank() ? ourVia : via + ", " + ourVia);
            proxyToOriginHeaders.put("X-Azure-ClientIP", clientIp);
            proxyToOriginHeaders.put("X-Azure-SocketIP", socketIp);
            proxyToOriginHeaders.put("X-Azure-Ref", azureRef);
            proxyToOriginHeaders.put("X-Azure-RequestChain", "hops=" + (incomingHops(clientToProxyHeaders) + 1));
            proxyToOriginHeaders.put("X-Azure-FDID", frontDoorId);
            // Azure appends the socket IP to X-Forwarded-For and overwrites X-Forwarded-Host and -Proto.
            proxyToOriginHeaders.put(HttpHeader.X_FORWARDED_FOR, forwardedFor.isBlank() ? socketIp : forwardedFor + ", " + socketIp);
            String host = clientToProxyHeaders.get(HttpHeader.HOST);
            proxyToOriginHeaders.put(HttpHeader.X_FORWARDED_HOST,
                    host != null ? host : Request.getServerName(clientToProxyRequest) + ":" + Request.getServerPort(clientToProxyRequest));
            proxyToOriginHeaders.put(HttpHeader.X_FORWARDED_PROTO, clientToProxyRequest.isSecure() ? "https" : "http");
        }

        private void onOriginFailure(OriginState origin, RetryGuardedContent body, boolean responseBegun, Throwable failure) {
            if (clientFailed) {
                metrics.countErrorResponse(ErrorInfo.ClientDisconnected);
                fail(failure);
                return;
            }
            ErrorInfo info = Failures.classify(failure);
            if (info.blamesOrigin()) {
                origin.countFailure(info);
            }
            if (info == ErrorInfo.OriginConnectionRefused) {
                group.recordConnectionRefused(origin);
            }
            boolean bodyTouched = body != null && body.touched();
            if (retryOnNextOrigin && !retried
                    && Failures.isRetryable(clientToProxyRequest.getMethod(), failure, responseBegun, bodyTouched)) {
                // A request is retried once, so the origin that just failed is the only one tried.
                Optional<OriginState> next = group.acquire(null, Set.of(origin));
                if (next.isPresent()) {
                    retried = true;
                    origin.countRetriedAway(info);
                    LOG.debug("{} {} {} failed on origin '{}' ({}), retrying on '{}'", azureRef,
                            clientToProxyRequest.getMethod(), clientToProxyRequest.getHttpURI().getPathQuery(),
                            origin.name(), info, next.get().name());
                    send(next.get());
                    return;
                }
            }
            LOG.debug("{} {} {} failed on origin '{}': {}", azureRef, clientToProxyRequest.getMethod(),
                    clientToProxyRequest.getHttpURI().getPathQuery(), origin.name(), info, failure);
            if (proxyToClientResponse.isCommitted()) {
                // The status line is gone; all that is left is to cut the response, as any proxy must.
                metrics.countErrorResponse(info);
                fail(failure);
            } else {
                writeError(info, origin, failure);
            }
        }

        private void writeError(ErrorInfo info, OriginState origin, Throwable cause) {
            writeError(info, info.httpStatus(), null, origin, cause);
        }

        /** The front door's error answer (see {@link ErrorAnswers}), with Azure's debug header on request. */
        private void writeError(ErrorInfo info, int status, String message, OriginState origin, Throwable cause) {
            metrics.countErrorResponse(info);
            proxyToClientResponse.reset();
            proxyToClientResponse.setStatus(status);
            HttpFields.Mutable headers = proxyToClientResponse.getHeaders();
            ByteBuffer body = ErrorAnswers.prepare(headers, status, info, message, origin == null ? null : origin.name(),
                    azureRef);
            if (hasBody) {
                // The request body may be partly unread; the connection cannot carry another request then.
                headers.put(HttpHeader.CONNECTION, "close");
            }
            if (debugHeaders && cause != null) {
                headers.put("X-Azure-ExternalError", printable(String.valueOf(cause)));
            }
            boolean head = HttpMethod.HEAD.is(clientToProxyRequest.getMethod());
            proxyToClientResponse.write(true, head ? null : body, Callback.from(this::succeed, this::fail));
        }

        private void succeed() {
            if (completed.compareAndSet(false, true)) {
                proxyToClientCallback.succeeded();
            }
        }

        private void fail(Throwable failure) {
            if (completed.compareAndSet(false, true)) {
                proxyToClientCallback.failed(failure);
            }
        }

        /** Relays one origin's answer to the client, chunk by chunk. */
        private final class OriginToProxyResponseListener extends Callback.Completable
                implements org.eclipse.jetty.client.Response.Listener {

            private final OriginState origin;
            private final RetryGuardedContent body;
            private volatile boolean responseBegun;
            /** The origin's Content-Length, or -1; the chunk that completes it is written as the last. */
            private long contentRemaining = -1;
            private volatile boolean lastWritten;

            OriginToProxyResponseListener(OriginState origin, RetryGuardedContent body) {
                this.origin = origin;
                this.body = body;
            }

            @Override
            public void onBegin(org.eclipse.jetty.client.Response originToProxyResponse) {
                responseBegun = true;
                proxyToClientResponse.setStatus(originToProxyResponse.getStatus());
            }

            @Override
            public void onHeaders(org.eclipse.jetty.client.Response originToProxyResponse) {
                origin.countServed();
                HttpFields originToProxyHeaders = originToProxyResponse.getHeaders();
                contentRemaining = HttpMethod.HEAD.is(clientToProxyRequest.getMethod()) ? -1
                        : originToProxyHeaders.getLongField(HttpHeader.CONTENT_LENGTH);
                Set<String> connectionListed = connectionTokens(originToProxyHeaders);
                HttpFields.Mutable proxyToClientHeaders = proxyToClientResponse.getHeaders();
                for (HttpField field : originToProxyHeaders) {
                    String name = field.getLowerCaseName();
                    if (!HOP_BY_HOP.contains(name) && !connectionListed.contains(name)) {
                        proxyToClientHeaders.add(field);
                    }
                }
                proxyToClientHeaders.put("X-Azure-Ref", azureRef);
                proxyToClientHeaders.put("X-Cache", ErrorAnswers.X_CACHE_VALUE);
                if (debugHeaders) {
                    proxyToClientHeaders.put("X-Azure-OriginStatusCode", String.valueOf(originToProxyResponse.getStatus()));
                }
                if (sessionAffinity && !origin.affinityToken().equals(affinityToken)
                        && mayEstablishAffinity(originToProxyResponse.getStatus(), originToProxyHeaders)) {
                    String secure = clientToProxyRequest.isSecure() ? "; Secure" : "";
                    proxyToClientHeaders.add(HttpHeader.SET_COOKIE,
                            AFFINITY_COOKIE + "=" + origin.affinityToken() + "; Path=/; HttpOnly" + secure);
                    if (clientToProxyRequest.isSecure()) {
                        proxyToClientHeaders.add(HttpHeader.SET_COOKIE,
                                AFFINITY_CORS_COOKIE + "=" + origin.affinityToken() + "; Path=/; HttpOnly; SameSite=None; Secure");
                    }
                }
            }

            @Override
            public void onContent(org.eclipse.jetty.client.Response originToProxyResponse, Content.Chunk originToProxyChunk,
                    Runnable demander) {
                originToProxyChunk.retain();
                ByteBuffer content = originToProxyChunk.getByteBuffer();
                boolean last = contentRemaining >= 0 && (contentRemaining -= content.remaining()) <= 0;
                if (last) {
                    // Writing the last bytes as the last content spares the server a separate empty last write.
                    lastWritten = true;
                }
                proxyToClientResponse.write(last, content, new Callback() {
                    @Override
                    public void succeeded() {
                        originToProxyChunk.release();
                        if (last) {
                            OriginToProxyResponseListener.this.succeeded();
                        }
                        demander.run();
                    }

                    @Override
                    public void failed(Throwable failure) {
                        originToProxyChunk.release();
                        // Cannot write to the client: stop reading from the origin.
                        clientFailed = true;
                        if (last) {
                            OriginToProxyResponseListener.this.failed(failure);
                        }
                        originToProxyResponse.abort(failure);
                    }

                    @Override
                    public InvocationType getInvocationType() {
                        return InvocationType.NON_BLOCKING;
                    }
                });
            }

            @Override
            public void onSuccess(org.eclipse.jetty.client.Response originToProxyResponse) {
                if (!lastWritten) {
                    proxyToClientResponse.write(true, BufferUtil.EMPTY_BUFFER, this);
                }
            }

            @Override
            public void onComplete(Result result) {
                origin.release();
                if (result.isSucceeded()) {
                    whenComplete((ignored, failure) -> {
                        if (failure == null) {
                            succeed();
                        } else {
                            clientFailed = true;
                            metrics.countErrorResponse(ErrorInfo.ClientDisconnected);
                            fail(failure);
                        }
                    });
                } else {
                    onOriginFailure(origin, body, responseBegun, result.getFailure());
                }
            }
        }
    }

    /**
     * The client's request body as the body of one proxy-to-origin request. It remembers whether
     * the origin side started to read it: until then the body is intact and the request may go to
     * another origin.
     *
     * <p>A failure of the attempt never fails the client's request: the client did nothing wrong,
     * and a failed client request would make the server answer a bare 500 (or cut the connection)
     * instead of Azure's error answer, depending on which side noticed the closed origin
     * connection first. The unread rest of the body is left to the server, which discards it or
     * closes the connection after the error answer (that answer says {@code Connection: close}).
     */
    static final class RetryGuardedContent implements org.eclipse.jetty.client.Request.Content {

        private final Request clientToProxyRequest;
        private volatile boolean touched;

        RetryGuardedContent(Request clientToProxyRequest) {
            this.clientToProxyRequest = clientToProxyRequest;
        }

        boolean touched() {
            return touched;
        }

        @Override
        public long getLength() {
            return clientToProxyRequest.getLength();
        }

        @Override
        public Content.Chunk read() {
            touched = true;
            return clientToProxyRequest.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            touched = true;
            clientToProxyRequest.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            // Deliberately empty: see the class comment.
        }

        @Override
        public String getContentType() {
            return clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_TYPE);
        }

        @Override
        public boolean rewind() {
            return false;
        }
    }

    /**
     * Why the request's URL is longer than Azure Front Door accepts (8,192 bytes for the whole raw
     * URL, 4,096 for the query string), or null when it is not.
     */
    static String tooLong(HttpURI uri) {
        String query = uri.getQuery();
        if (query != null && query.length() > FrontDoorLimits.MAX_QUERY_BYTES) {
            return "the query string is " + query.length() + " bytes; the front door accepts at most "
                    + FrontDoorLimits.MAX_QUERY_BYTES;
        }
        // scheme://host[:port]path[?query], counted without building the string.
        String scheme = uri.getScheme();
        String host = uri.getHost();
        String path = uri.getPath();
        int length = (scheme == null ? 4 : scheme.length()) + 3 + (host == null ? 0 : host.length())
                + (uri.getPort() > 0 ? 1 + Integer.toString(uri.getPort()).length() : 0)
                + (path == null ? 0 : path.length()) + (query == null ? 0 : 1 + query.length());
        if (length > FrontDoorLimits.MAX_URL_BYTES) {
            return "the URL is " + length + " bytes; the front door accepts at most " + FrontDoorLimits.MAX_URL_BYTES;
        }
        return null;
    }

    private static boolean hasBody(Request clientToProxyRequest) {
        if (clientToProxyRequest.getLength() > 0) {
            return true;
        }
        HttpFields headers = clientToProxyRequest.getHeaders();
        return clientToProxyRequest.getLength() < 0 && headers.contains(HttpHeader.TRANSFER_ENCODING);
    }

    private static Set<String> connectionTokens(HttpFields headers) {
        List<String> values = headers.getValuesList(HttpHeader.CONNECTION);
        if (values.isEmpty()) {
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

    private static String viaVersion(Request clientToProxyRequest) {
        HttpVersion version = clientToProxyRequest.getConnectionMetaData().getHttpVersion();
        return switch (version) {
            case HTTP_1_0 -> "1.0";
            case HTTP_2 -> "2.0";
            case HTTP_3 -> "3.0";
            default -> "1.1";
        };
    }

    private static int incomingHops(HttpFields headers) {
        String chain = headers.get("X-Azure-RequestChain");
        if (chain == null) {
            return 0;
        }
        Matcher matcher = HOPS.matcher(chain);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
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
        if (cacheControl.contains("no-store") || cacheControl.contains("no-cache") || cacheControl.contains("private")) {
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
