package io.hadr.frontdoor.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A real HTTP origin on loopback for front door tests: answers with its name, and can be stopped,
 * restarted on the same port, made to fail its health probe, to answer probes slowly, or to hang.
 *
 * <p>Paths: {@code /health} (probe path; status and delay settable), {@code /} and anything else
 * (200, body = name), {@code /hang} (never answers), {@code /held} (answers 200 with its name when
 * the test calls {@link #releaseHeld()}), {@code /slow?ms=N}, {@code /download?bytes=N}
 * (N pattern bytes, see {@link #pattern(long)}), {@code /upload} (reads the body, answers
 * {@code bytes=N crc=C}), {@code /headers} (answers with extra hop-by-hop and custom headers),
 * {@code /bigheaders?bytes=N} (answers with about N bytes of headers), {@code /chunked?pieces=N}
 * (answers {@code piece0;piece1;…} in N flushed writes without a length, so chunked).
 */
public final class TestOrigin implements AutoCloseable {

    /** What a probe looked like when it reached the origin. */
    public record ProbeRecord(String method, String path, HttpFields headers, int remotePort) {}

    private final String name;
    private volatile int port;
    private volatile Server server;
    private volatile int healthStatus = 200;
    private volatile Duration probeDelay = Duration.ZERO;
    private volatile Duration probeBodyDelay = Duration.ZERO;
    private volatile boolean closeConnections;
    private final AtomicLong requests = new AtomicLong();
    private final List<ProbeRecord> probes = new CopyOnWriteArrayList<>();
    private final AtomicReference<HttpFields> lastRequestHeaders = new AtomicReference<>();
    private final AtomicReference<String> lastRequestTarget = new AtomicReference<>();
    private final Map<Callback, Boolean> hanging = new ConcurrentHashMap<>();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();

    private TestOrigin(String name) {
        this.name = name;
    }

    /** Starts an origin on an ephemeral loopback port. */
    public static TestOrigin start(String name) {
        TestOrigin origin = new TestOrigin(name);
        origin.startOn(0);
        return origin;
    }

    /** Starts an origin on the given loopback port. */
    public static TestOrigin start(String name, int port) {
        TestOrigin origin = new TestOrigin(name);
        origin.startOn(port);
        return origin;
    }

    private synchronized void startOn(int wantedPort) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("origin-" + name);
        Server newServer = new Server(threads);
        HttpConfiguration httpConfig = new HttpConfiguration();
        // Room for /bigheaders and for whatever request headers the front door lets through.
        httpConfig.setMaxResponseHeaderSize(256 * 1024);
        httpConfig.setRequestHeaderSize(256 * 1024);
        ServerConnector connector = new ServerConnector(newServer, 1, 1, new HttpConnectionFactory(httpConfig));
        connector.setHost("127.0.0.1");
        connector.setPort(wantedPort);
        connector.setReuseAddress(true);
        newServer.addConnector(connector);
        newServer.setHandler(new OriginHandler());
        // Stop at once, like a stopped app: open connections are closed, not drained.
        newServer.setStopTimeout(0);
        try {
            newServer.start();
        } catch (Exception e) {
            throw new IllegalStateException("origin " + name + " could not start on port " + wantedPort, e);
        }
        this.port = connector.getLocalPort();
        this.server = newServer;
    }

    /** Stops the origin like a stopped app: the port refuses connections, open connections close. */
    public synchronized void stop() {
        Server running = server;
        if (running == null) {
            return;
        }
        server = null;
        hanging.keySet().forEach(callback -> callback.failed(new QuietException.Exception("origin stopped")));
        hanging.clear();
        try {
            running.stop();
        } catch (Exception e) {
            throw new IllegalStateException("origin " + name + " could not stop", e);
        }
    }

    /** Starts the origin again on the same port. */
    public synchronized void restart() {
        if (server == null) {
            startOn(port);
        }
    }

    public boolean isRunning() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public URI address() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The status the probe path answers with; 200 by default. */
    public TestOrigin healthStatus(int status) {
        this.healthStatus = status;
        return this;
    }

    /** How long the origin waits before it answers a probe. */
    public TestOrigin probeDelay(Duration delay) {
        this.probeDelay = delay;
        return this;
    }

    /** For GET probes: send the status and headers at once, the body only after this delay. */
    public TestOrigin probeBodyDelay(Duration delay) {
        this.probeBodyDelay = delay;
        return this;
    }

    /** When true, every request other than a probe gets its connection closed without an answer. */
    public TestOrigin closeConnections(boolean close) {
        this.closeConnections = close;
        return this;
    }

    /** Requests to {@code /held} waiting for {@link #releaseHeld()}. */
    public int heldRequests() {
        return held.size();
    }

    /** Answers every request waiting on {@code /held}. */
    public void releaseHeld() {
        for (Runnable answer : held) {
            held.remove(answer);
            answer.run();
        }
    }

    /** Requests other than probes that reached this origin. */
    public long requests() {
        return requests.get();
    }

    public List<ProbeRecord> probes() {
        return List.copyOf(probes);
    }

    public HttpFields lastRequestHeaders() {
        return lastRequestHeaders.get();
    }

    public String lastRequestTarget() {
        return lastRequestTarget.get();
    }

    /** The byte at position {@code i} of every generated body: a pattern that catches reordering and loss. */
    public static byte pattern(long i) {
        return (byte) ((i * 31 + (i >>> 12)) & 0xff);
    }

    private final class OriginHandler extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (path.equals("/health")) {
                return probe(request, response, callback, path);
            }
            requests.incrementAndGet();
            if (closeConnections) {
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new QuietException.Exception("connection closed on purpose"));
                return true;
            }
            lastRequestHeaders.set(HttpFields.build(request.getHeaders()).asImmutable());
            lastRequestTarget.set(request.getHttpURI().getPathQuery());
            response.getHeaders().put("X-Origin-Name", name);
            Fields query = Request.extractQueryParameters(request);
            switch (path) {
                case "/hang" -> {
                    hanging.put(callback, Boolean.TRUE);
                    return true;
                }
                case "/held" -> {
                    Content.Source.consumeAll(request);
                    held.add(() -> Content.Sink.write(response, true, name, callback));
                    return true;
                }
                case "/slow" -> Thread.sleep(Long.parseLong(query.getValue("ms")));
                case "/download" -> {
                    download(response, Long.parseLong(query.getValue("bytes")));
                    callback.succeeded();
                    return true;
                }
                case "/chunked" -> {
                    Content.Source.consumeAll(request);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    try (OutputStream out = Content.Sink.asOutputStream(response)) {
                        for (int i = 0; i < Integer.parseInt(query.getValue("pieces")); i++) {
                            out.write(("piece" + i + ";").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                    callback.succeeded();
                    return true;
                }
                case "/upload" -> {
                    upload(request, response);
                    callback.succeeded();
                    return true;
                }
                case "/bigheaders" -> {
                    int bytes = Integer.parseInt(query.getValue("bytes"));
                    for (int i = 0; i * 1000 < bytes; i++) {
                        response.getHeaders().add("X-Big-" + i, "b".repeat(990));
                    }
                }
                case "/headers" -> {
                    response.getHeaders().put("X-Origin-Header", "yes");
                    response.getHeaders().put(HttpHeader.KEEP_ALIVE, "timeout=5, max=100");
                    response.getHeaders().put("Proxy-Connection", "keep-alive");
                    response.getHeaders().add(HttpHeader.SET_COOKIE, "app=1; Path=/");
                }
                default -> {
                    // GET / and anything else: the origin's name
                }
            }
            Content.Source.consumeAll(request);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Content.Sink.write(response, true, name, callback);
            return true;
        }

        private boolean probe(Request request, Response response, Callback callback, String path) {
            probes.add(new ProbeRecord(
                    request.getMethod(),
                    path,
                    HttpFields.build(request.getHeaders()).asImmutable(),
                    Request.getRemotePort(request)));
            // Delays are timers, not sleeps, so that a slow answer holds no thread and never delays a stop.
            Scheduler scheduler = request.getComponents().getScheduler();
            Runnable answer = () -> {
                response.setStatus(healthStatus);
                byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                Duration bodyDelay = probeBodyDelay;
                if (bodyDelay.isZero() || "HEAD".equals(request.getMethod())) {
                    response.write(true, ByteBuffer.wrap(body), callback);
                    return;
                }
                // Status and headers now, the body later: latency must be measured to the last byte.
                response.write(
                        false,
                        ByteBuffer.allocate(0),
                        Callback.from(
                                () -> scheduler.schedule(
                                        () -> response.write(true, ByteBuffer.wrap(body), callback),
                                        bodyDelay.toMillis(),
                                        TimeUnit.MILLISECONDS),
                                callback::failed));
            };
            Duration delay = probeDelay;
            if (delay.isZero()) {
                answer.run();
            } else {
                scheduler.schedule(answer, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            return true;
        }

        private void download(Response response, long bytes) throws Exception {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes);
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                long written = 0;
                while (written < bytes) {
                    int n = (int) Math.min(buffer.length, bytes - written);
                    for (int i = 0; i < n; i++) {
                        buffer[i] = pattern(written + i);
                    }
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
        }

        private void upload(Request request, Response response) throws Exception {
            CRC32 crc = new CRC32();
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = Content.Source.asInputStream(request)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    crc.update(buffer, 0, n);
                    total += n;
                }
            }
            byte[] answer = ("bytes=" + total + " crc=" + crc.getValue()).getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                out.write(answer);
            }
        }
    }

    /** Names of the headers, lower case, for assertions. */
    public static List<String> names(HttpFields fields) {
        return fields.stream().map(HttpField::getLowerCaseName).toList();
    }
}
