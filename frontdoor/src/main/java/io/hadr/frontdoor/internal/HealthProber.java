package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.FrontDoorConfig;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Azure Front Door's health probes to every origin each probe interval and feeds the results
 * to the {@link OriginGroup}.
 *
 * <p>As Azure documents them ("Health probes"): each probe uses a new TCP connection (the request
 * says {@code Connection: close}, so the connection is never pooled or reused), carries
 * {@code User-Agent: Edge Health Probe}, {@code X-FD-HealthProbe: 1} and the profile's
 * {@code X-Azure-FDID}; only a {@code 200} counts as success; latency is the wall-clock time from
 * just before the request is sent to the last byte of the answer; a probe without an answer
 * within the interval fails.
 *
 * <p>Disabled origins are probed too (Azure excludes them from routing, not necessarily from
 * probing), so that {@code hadr status} shows whether an origin would be healthy if enabled.
 */
public final class HealthProber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthProber.class);
    static final String USER_AGENT = "Edge Health Probe";
    private static final Duration FIRST_ROUND_CAP = Duration.ofSeconds(10);

    private final OriginGroup group;
    private final HttpClient probeClient;
    private final FrontDoorConfig config;
    private final ScheduledExecutorService ticker;

    public HealthProber(OriginGroup group, HttpClient probeClient, FrontDoorConfig config) {
        this.group = group;
        this.probeClient = probeClient;
        this.config = config;
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "hadr-frontdoor-prober");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Probes every origin once and waits for the answers, so that every origin's health is known
     * when the front door starts serving. Waits at most the probe interval, but no more than 10 s
     * (Azure's default interval is 240 s), plus a second: an origin whose probe is still unanswered
     * then starts unhealthy, and its probe result counts when it comes.
     */
    public void probeAllNow() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(group.origins().size());
        for (OriginState origin : group.origins()) {
            probe(origin, done::countDown);
        }
        Duration interval = config.healthProbe().interval();
        Duration deadline = (interval.compareTo(FIRST_ROUND_CAP) < 0 ? interval : FIRST_ROUND_CAP).plusSeconds(1);
        if (!done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn(
                    "first probe round did not complete within {}; origins without an answer start unhealthy",
                    Checks.human(deadline));
        }
    }

    /** Starts probing every origin each probe interval. */
    public void start() {
        long interval = config.healthProbe().interval().toNanos();
        ticker.scheduleAtFixedRate(this::probeAll, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** Probes one origin at once, e.g. one just added, instead of waiting for the next round. */
    public void probeNow(OriginState origin) {
        probe(origin, () -> {});
    }

    private void probeAll() {
        for (OriginState origin : group.origins()) {
            probe(origin, () -> {});
        }
    }

    private void probe(OriginState origin, Runnable whenDone) {
        if (!origin.probeInFlight.compareAndSet(false, true)) {
            // The previous probe is still waiting for its answer; its own timeout will count it as failed.
            whenDone.run();
            return;
        }
        URI probeUri = URI.create(config.healthProbe().protocol().scheme() + "://"
                + origin.address().getRawAuthority() + config.healthProbe().path());
        long started = System.nanoTime();
        try {
            Request probe = probeClient
                    .newRequest(probeUri)
                    .method(config.healthProbe().requestType().name())
                    .agent(USER_AGENT)
                    .timeout(config.healthProbe().interval().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> headers.put("X-FD-HealthProbe", "1")
                            .put("X-Azure-FDID", config.frontDoorId())
                            .put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()));
            probe.send(result -> {
                Duration latency = Duration.ofNanos(System.nanoTime() - started);
                boolean success = result.isSucceeded() && result.getResponse().getStatus() == 200;
                if (!success && LOG.isDebugEnabled()) {
                    LOG.debug(
                            "probe {} {} failed: {}",
                            origin.name(),
                            probeUri,
                            result.isSucceeded()
                                    ? "status " + result.getResponse().getStatus()
                                    : result.getFailure());
                }
                finish(origin, success, latency, whenDone);
            });
        } catch (RuntimeException e) {
            LOG.debug("probe {} {} could not be sent", origin.name(), probeUri, e);
            finish(origin, false, Duration.ofNanos(System.nanoTime() - started), whenDone);
        }
    }

    private void finish(OriginState origin, boolean success, Duration latency, Runnable whenDone) {
        origin.probeInFlight.set(false);
        try {
            group.recordProbe(origin, success, latency);
        } finally {
            whenDone.run();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            if (!ticker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("prober thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
