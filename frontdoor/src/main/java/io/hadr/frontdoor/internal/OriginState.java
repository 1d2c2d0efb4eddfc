package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import io.hadr.frontdoor.HealthTransition;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.OriginHealth;
import io.hadr.frontdoor.OriginStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state of one origin: its current settings (changed at runtime by
 * {@link OriginGroup#update}), its probe window and health, its counters, and the requests on
 * their way to it (so that a removed origin can be drained: it gets no new request, and the
 * removal completes when the last one has finished).
 */
public final class OriginState {

    private final String name;
    private final URI address;
    private final String affinityToken;
    private volatile OriginConfig settings;

    // Guarded by `this`.
    private final HealthWindow window;
    private boolean passivelyDown;

    private volatile OriginHealth health;
    private volatile Duration lastProbeLatency;
    private volatile Duration routingLatency;
    private volatile Instant lastProbeAt;

    final AtomicBoolean probeInFlight = new AtomicBoolean();
    // Smooth weighted round robin state, guarded by the OriginSelector.
    int currentWeight;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<OriginStatus> drained = new CompletableFuture<>();
    private volatile boolean removed;

    private final LongAdder requestsServed = new LongAdder();
    private final LongAdder probesSucceeded = new LongAdder();
    private final LongAdder probesFailed = new LongAdder();
    private final Map<ErrorInfo, LongAdder> failures = new EnumMap<>(ErrorInfo.class);
    private final Map<ErrorInfo, LongAdder> retriedAway = new EnumMap<>(ErrorInfo.class);

    /**
     * @param health the health before the first probe: null for an origin of the configuration the
     *     front door starts with (its first probe seeds the window and sets the health without a
     *     transition), {@link OriginHealth#UNHEALTHY} for one added at runtime, which must pass its
     *     probes like any origin that comes back
     */
    OriginState(OriginConfig config, int sampleSize, int successfulSamplesRequired, OriginHealth health) {
        this.health = health;
        this.name = config.name();
        this.address = config.address();
        this.affinityToken = sha256Hex(config.address().toString());
        this.settings = config;
        this.window = new HealthWindow(sampleSize, successfulSamplesRequired);
        for (ErrorInfo info : ErrorInfo.values()) {
            failures.put(info, new LongAdder());
            retriedAway.put(info, new LongAdder());
        }
    }

    public String name() {
        return name;
    }

    public URI address() {
        return address;
    }

    /**
     * The {@code ASLBSA} cookie value that pins a client to this origin: Azure uses "managed
     * cookies with SHA256 of the origin URL as the identifier".
     */
    public String affinityToken() {
        return affinityToken;
    }

    public OriginConfig settings() {
        return settings;
    }

    void settings(OriginConfig newSettings) {
        this.settings = newSettings;
    }

    public boolean isEnabled() {
        return settings.enabled();
    }

    public boolean isHealthy() {
        return health == OriginHealth.HEALTHY;
    }

    public Optional<Duration> routingLatency() {
        return Optional.ofNullable(routingLatency);
    }

    /**
     * Records a probe result and returns the health transition it caused, if any. For an origin the
     * front door started with, the very first result seeds the window and sets the initial health
     * without a transition; an origin added at runtime fills its window probe by probe.
     */
    synchronized HealthTransition recordProbe(boolean success, Duration latency, Instant at) {
        if (window.isEmpty() && health == null) {
            window.seed(success, latency);
        } else {
            window.record(success, latency);
        }
        lastProbeLatency = latency;
        lastProbeAt = at;
        routingLatency = window.meanSuccessfulLatency().orElse(null);
        if (success) {
            passivelyDown = false;
            probesSucceeded.increment();
        } else {
            probesFailed.increment();
        }
        return updateHealth(at, "probes " + window.describe());
    }

    /** Marks the origin down until its next successful probe (hadr's passive health option). */
    synchronized HealthTransition markPassivelyDown(Instant at) {
        passivelyDown = true;
        return updateHealth(at, "connection refused (passive health), down until a probe succeeds");
    }

    private HealthTransition updateHealth(Instant at, String reason) {
        OriginHealth before = health;
        OriginHealth after = OriginHealth.of(window.isHealthy() && !passivelyDown);
        health = after;
        if (before == null || before == after) {
            return null;
        }
        return new HealthTransition(name, before, after, at, reason);
    }

    /** A request was routed here; {@link #release()} must follow once its exchange with the origin ended. */
    void acquire() {
        inFlight.incrementAndGet();
    }

    /** A request routed here has finished with the origin (answered, failed or cut). */
    public void release() {
        if (inFlight.decrementAndGet() == 0 && removed) {
            drained.complete(status());
        }
    }

    /** Requests routed here whose exchange with the origin has not ended yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Marks the origin as removed from its group (which already stopped routing to it) and returns
     * a future completed, with the final status, once no request is in flight to it any more.
     */
    CompletableFuture<OriginStatus> markRemoved() {
        removed = true;
        if (inFlight.get() == 0) {
            drained.complete(status());
        }
        return drained;
    }

    boolean isRemoved() {
        return removed;
    }

    void countServed() {
        requestsServed.increment();
    }

    void countFailure(ErrorInfo info) {
        failures.get(info).increment();
    }

    void countRetriedAway(ErrorInfo info) {
        retriedAway.get(info).increment();
    }

    long requestsServed() {
        return requestsServed.sum();
    }

    long failures(ErrorInfo info) {
        return failures.get(info).sum();
    }

    long retriedAway(ErrorInfo info) {
        return retriedAway.get(info).sum();
    }

    long probes(boolean succeeded) {
        return succeeded ? probesSucceeded.sum() : probesFailed.sum();
    }

    Optional<Duration> lastProbeLatency() {
        return Optional.ofNullable(lastProbeLatency);
    }

    public synchronized OriginStatus status() {
        OriginConfig current = settings;
        long failed = 0;
        for (LongAdder count : failures.values()) {
            failed += count.sum();
        }
        return new OriginStatus(
                name,
                address,
                current.priority(),
                current.weight(),
                current.enabled(),
                isHealthy(),
                window.results(),
                Optional.ofNullable(lastProbeLatency),
                Optional.ofNullable(routingLatency),
                Optional.ofNullable(lastProbeAt),
                requestsServed.sum(),
                failed);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
