package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.AzureRefs;
import io.hadr.frontdoor.internal.Checks;
import io.hadr.frontdoor.internal.ErrorAnswers;
import io.hadr.frontdoor.internal.FrontDoorMetrics;
import io.hadr.frontdoor.internal.HealthProber;
import io.hadr.frontdoor.internal.OriginGroup;
import io.hadr.frontdoor.internal.OriginState;
import io.hadr.frontdoor.internal.ProxyServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One global HTTP endpoint in front of an origin group, with Azure Front Door Standard/Premium's
 * rules: health probes, priority, latency band, weights, session affinity, Azure's request and
 * response headers and error answers. See {@link FrontDoorConfig} for the settings and
 * {@code DESIGN.md} ("Front Door (origin groups)") for the behaviour reproduced.
 *
 * <pre>{@code
 * try (FrontDoor frontDoor = FrontDoor.start(FrontDoorConfig.builder()
 *         .port(8080)
 *         .probePath("/health")
 *         .probeInterval(Duration.ofSeconds(1))
 *         .origin("centralindia", URI.create("http://127.0.0.1:8081"), 1, 1000)
 *         .origin("southindia", URI.create("http://127.0.0.1:8082"), 2, 1000)
 *         .build())) {
 *     URI endpoint = frontDoor.endpoint();
 *     frontDoor.updateOrigin("centralindia", OriginUpdate.disable());
 * }
 * }</pre>
 *
 * <p>{@link #start(FrontDoorConfig)} is deterministic for its caller: it probes every origin once
 * and waits for the answers before it accepts requests, so an origin that is up at start is
 * healthy from the first request on and one that is down is not (the first result fills the
 * whole sample window). {@link #close()} stops the server, the probes and the client pools and
 * leaves no thread behind.
 *
 * <p>Thread-safe.
 */
public final class FrontDoor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

    /** The response header holding the {@link ErrorInfo} of an answer the front door made itself. */
    public static final String ERROR_INFO_HEADER = ErrorAnswers.ERROR_INFO_HEADER;

    private final FrontDoorConfig config;
    private final OriginGroup group;
    private final FrontDoorMetrics metrics;
    private final QueuedThreadPool threadPool;
    private final ScheduledExecutorScheduler scheduler;
    private final HttpClient probeClient;
    private final HealthProber prober;
    private final ProxyServer proxy;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile URI startedEndpoint;

    private FrontDoor(FrontDoorConfig config) {
        this.config = config;
        this.group = new OriginGroup(config);
        this.metrics = new FrontDoorMetrics(group);
        // Threads for the health probes' client only; requests are served on the proxy's event loops.
        this.threadPool = new QueuedThreadPool(16, 2);
        threadPool.setName("hadr-frontdoor");
        this.scheduler = new ScheduledExecutorScheduler("hadr-frontdoor-scheduler", true);
        this.probeClient = newProbeClient();
        probeClient.setConnectTimeout(config.healthProbe().interval().toMillis());
        this.prober = new HealthProber(group, probeClient, config);
        this.proxy = new ProxyServer(config, group, metrics, new AzureRefs(config.clock()));
    }

    private HttpClient newProbeClient() {
        ClientConnector clientConnector = new ClientConnector();
        clientConnector.setSelectors(1);
        clientConnector.setExecutor(threadPool);
        clientConnector.setScheduler(scheduler);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(clientConnector));
        client.setName("hadr-frontdoor-probe-client");
        client.setExecutor(threadPool);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        return client;
    }

    /**
     * Starts a front door: probes every origin once and waits for the answers (at most the probe
     * interval, capped at 10 s, plus a second; an origin still unanswered then starts unhealthy),
     * then listens, then probes every interval.
     *
     * @throws FrontDoorException when it cannot start, e.g. because the port is taken
     */
    public static FrontDoor start(FrontDoorConfig config) {
        FrontDoor frontDoor = new FrontDoor(config);
        try {
            frontDoor.doStart();
            return frontDoor;
        } catch (Exception e) {
            frontDoor.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw FrontDoorException.cannotStart(config.host(), config.port(), e);
        }
    }

    private void doStart() throws Exception {
        threadPool.start();
        scheduler.start();
        probeClient.start();
        probeClient.getContentDecoderFactories().clear();
        prober.probeAllNow();
        proxy.start();
        startedEndpoint = endpoint();
        prober.start();
        LOG.info(
                "front door listening on {} with origins {}",
                endpoint(),
                group.statuses().stream()
                        .map(status -> status.name() + "(priority " + status.priority() + ", weight " + status.weight()
                                + (status.enabled() ? "" : ", disabled") + ", " + status.health() + ")")
                        .toList());
    }

    /** The configuration the front door was started with (origin settings may have changed since; see {@link #origins()}). */
    public FrontDoorConfig config() {
        return config;
    }

    /** The URL clients use, e.g. {@code http://127.0.0.1:8080}, with the actual port when the configured one was 0. */
    public URI endpoint() {
        return URI.create("http://" + hostForUri(config.host()) + ":" + proxy.localPort());
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** A snapshot of every origin, in configuration order. */
    public List<OriginStatus> origins() {
        return group.statuses();
    }

    /** A snapshot of one origin; {@link UnknownOriginException} if there is none by that name. */
    public OriginStatus origin(String name) {
        return group.origin(name).status();
    }

    /**
     * Changes an origin's enabled state, priority or weight at once, without restart, like an ARM
     * {@code PATCH} of an Azure Front Door origin. Requests already on their way are not moved.
     *
     * @return the origin's status after the change
     * @throws UnknownOriginException if there is no origin by that name
     */
    public OriginStatus updateOrigin(String name, OriginUpdate update) {
        return group.update(name, update);
    }

    /**
     * Adds an origin at runtime, like creating an Azure Front Door origin in the origin group (e.g.
     * when an app is scaled out). The new origin starts unhealthy and without probe results; it is
     * probed at once and then every probe interval, and gets traffic once
     * {@code successfulSamplesRequired} probes have succeeded. Its health change is reported to
     * health listeners.
     *
     * @return the origin's status right after it was added (unhealthy, no probes yet)
     * @throws IllegalArgumentException if an origin with the same name or address exists
     */
    public OriginStatus addOrigin(OriginConfig origin) {
        Checks.notNull("origin", origin);
        OriginState added = group.add(origin);
        OriginStatus status = added.status();
        prober.probeNow(added);
        return status;
    }

    /**
     * Removes an origin at runtime, like deleting an Azure Front Door origin (e.g. when an app is
     * scaled in): from now on no request is routed to it and it is no longer probed; requests
     * already on their way to it finish undisturbed. The returned future completes with the
     * origin's final status once the last of them has finished, and the pooled connections to the
     * origin are closed then; wait for it (with a deadline) before stopping the origin, so that no
     * client sees the stop.
     *
     * @throws UnknownOriginException if there is no origin by that name
     */
    public CompletableFuture<OriginStatus> removeOrigin(String name) {
        Checks.notNull("origin name", name);
        OriginState removed = group.origin(name);
        return group.remove(name).thenApply(status -> {
            proxy.closeConnectionsTo(removed);
            return status;
        });
    }

    /**
     * Calls {@code listener} on every change of an origin's health. It runs on the front door's
     * own threads (the one that recorded the probe or the refused connection), so it must return
     * quickly and never block; hand longer work to another thread.
     */
    public void addHealthListener(Consumer<HealthTransition> listener) {
        group.addListener(listener);
    }

    public void removeHealthListener(Consumer<HealthTransition> listener) {
        group.removeListener(listener);
    }

    /** The front door's metrics in Prometheus text format 0.0.4. */
    public String prometheusMetrics() {
        return metrics.render();
    }

    /**
     * A Jetty handler that answers {@code GET} (and {@code HEAD}) with {@link #prometheusMetrics()},
     * for mounting at a metrics path of a control server, e.g. in a {@code ContextHandler("/metrics")}
     * with {@code setAllowNullPathInContext(true)} so that {@code /metrics} is not redirected to
     * {@code /metrics/}.
     */
    public Handler metricsHandler() {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
                    response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    callback.succeeded();
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                Content.Sink.write(response, true, prometheusMetrics(), callback);
                return true;
            }
        };
    }

    /** Stops listening, probing and every connection; leaves no thread behind. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        prober.close();
        proxy.close();
        stopQuietly(probeClient);
        stopQuietly(scheduler);
        stopQuietly(threadPool);
        LOG.info(
                "front door {} stopped",
                startedEndpoint == null ? config.host() + ":" + config.port() : startedEndpoint);
    }

    private static void stopQuietly(LifeCycle component) {
        try {
            component.stop();
        } catch (Exception e) {
            LOG.warn("could not stop {}", component, e);
        }
    }

    @Override
    public String toString() {
        return "FrontDoor{" + (closed.get() ? "closed" : endpoint()) + ", origins=" + group.origins() + "}";
    }
}
