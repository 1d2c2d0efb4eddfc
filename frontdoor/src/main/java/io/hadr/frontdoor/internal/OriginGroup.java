package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.HealthTransition;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.OriginHealth;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.frontdoor.OriginUpdate;
import io.hadr.frontdoor.UnknownOriginException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origins of the front door with their health and routing: probe results go in, the origin for
 * each request comes out. Free of any network code, so that health and routing rules are tested
 * with a test clock and made-up probe results.
 *
 * <p>Origins may be added and removed at runtime. The list is replaced, never changed in place, so
 * that routing and probing read it without a lock; adding, removing and routing a request to an
 * origin happen under the selector's lock, so that a removed origin gets no request after its
 * removal and its drain counts every request routed to it before.
 */
public final class OriginGroup {

    private static final Logger LOG = LoggerFactory.getLogger(OriginGroup.class);

    private volatile List<OriginState> origins;
    /** Changes whenever an origin's settings, health or latency may have changed; lets the selector keep its decision. */
    private final AtomicLong version = new AtomicLong();

    private final OriginSelector selector;
    private final Clock clock;
    private final int sampleSize;
    private final int successfulSamplesRequired;
    private final boolean passiveHealthOnConnectionRefused;
    private final List<Consumer<HealthTransition>> listeners = new CopyOnWriteArrayList<>();

    public OriginGroup(FrontDoorConfig config) {
        this.sampleSize = config.loadBalancing().sampleSize();
        this.successfulSamplesRequired = config.loadBalancing().successfulSamplesRequired();
        List<OriginState> initial = new ArrayList<>();
        for (OriginConfig origin : config.origins()) {
            initial.add(new OriginState(origin, sampleSize, successfulSamplesRequired, null));
        }
        this.origins = List.copyOf(initial);
        this.selector = new OriginSelector(config.loadBalancing().additionalLatency());
        this.clock = config.clock();
        this.passiveHealthOnConnectionRefused = config.passiveHealthOnConnectionRefused();
    }

    /** The current origins, in the order they were added. */
    public List<OriginState> origins() {
        return origins;
    }

    /** The origin with this name, or {@link UnknownOriginException}. */
    public OriginState origin(String name) {
        for (OriginState origin : origins) {
            if (origin.name().equals(name)) {
                return origin;
            }
        }
        throw UnknownOriginException.unknownOrigin(name, names());
    }

    private List<String> names() {
        return origins.stream().map(OriginState::name).toList();
    }

    /**
     * The origin for a request, without routing a request to it (for tests and decisions).
     *
     * @param affinityToken the client's {@code ASLBSA} value, or null without session affinity
     * @param excluded origins already tried for this request
     * @return empty when no origin outside {@code excluded} is enabled
     */
    public Optional<OriginState> select(String affinityToken, Set<OriginState> excluded) {
        return selector.select(origins, version.get(), affinityToken, excluded);
    }

    /**
     * Like {@link #select} and counts the request as in flight to the chosen origin; the caller
     * calls {@link OriginState#release()} once the exchange with the origin has ended.
     */
    public Optional<OriginState> acquire(String affinityToken, Set<OriginState> excluded) {
        synchronized (selector) {
            Optional<OriginState> chosen = selector.select(origins, version.get(), affinityToken, excluded);
            chosen.ifPresent(OriginState::acquire);
            return chosen;
        }
    }

    /**
     * Adds an origin at runtime. Like a new Azure origin it starts unhealthy, with no probe result,
     * and gets traffic once {@code successfulSamplesRequired} of its probes have succeeded (or when
     * every origin is unhealthy, as any enabled origin does).
     *
     * @throws IllegalArgumentException when an origin of the same name or address exists
     */
    public OriginState add(OriginConfig config) {
        synchronized (selector) {
            for (OriginState existing : origins) {
                if (existing.name().equals(config.name())) {
                    throw new IllegalArgumentException(
                            "origin names must be unique, but '" + config.name() + "' already exists");
                }
                if (existing.address().equals(config.address())) {
                    throw new IllegalArgumentException("origin addresses must be unique, but '" + existing.name()
                            + "' already uses " + config.address() + " (adding '" + config.name() + "')");
                }
            }
            OriginState added = new OriginState(config, sampleSize, successfulSamplesRequired, OriginHealth.UNHEALTHY);
            List<OriginState> next = new ArrayList<>(origins);
            next.add(added);
            origins = List.copyOf(next);
            LOG.info(
                    "origin '{}' added at {} (priority {}, weight {}{}); unhealthy until {} probes succeed",
                    config.name(),
                    config.address(),
                    config.priority(),
                    config.weight(),
                    config.enabled() ? "" : ", disabled",
                    successfulSamplesRequired);
            return added;
        }
    }

    /**
     * Removes an origin at runtime: no new request goes to it from now on, and requests already on
     * their way to it finish. The future completes with its final status once the last of them
     * has finished (at once when none is in flight).
     *
     * @throws UnknownOriginException if there is no origin by that name
     */
    public CompletableFuture<OriginStatus> remove(String name) {
        OriginState removed;
        synchronized (selector) {
            removed = origin(name);
            List<OriginState> next = new ArrayList<>(origins);
            next.remove(removed);
            origins = List.copyOf(next);
        }
        LOG.info("origin '{}' removed; {} request(s) in flight to it finish first", name, removed.inFlight());
        return removed.markRemoved();
    }

    public void recordProbe(OriginState origin, boolean success, Duration latency) {
        if (origin.isRemoved()) {
            // A probe that was on its way when the origin was removed: nobody routes by it any more.
            return;
        }
        HealthTransition transition = origin.recordProbe(success, latency, clock.instant());
        version.incrementAndGet();
        fire(transition);
    }

    /** A connection to the origin was refused; with passive health on, the origin is down until a probe succeeds. */
    public void recordConnectionRefused(OriginState origin) {
        if (passiveHealthOnConnectionRefused && !origin.isRemoved()) {
            HealthTransition transition = origin.markPassivelyDown(clock.instant());
            version.incrementAndGet();
            fire(transition);
        }
    }

    /** Applies an ARM-PATCH-like update and returns the origin's new status. */
    public OriginStatus update(String name, OriginUpdate update) {
        OriginState origin = origin(name);
        OriginConfig before;
        OriginConfig after;
        synchronized (origin) {
            before = origin.settings();
            after = before.apply(update);
            origin.settings(after);
        }
        version.incrementAndGet();
        LOG.info(
                "origin '{}' updated: enabled {} -> {}, priority {} -> {}, weight {} -> {}",
                name,
                before.enabled(),
                after.enabled(),
                before.priority(),
                after.priority(),
                before.weight(),
                after.weight());
        return origin.status();
    }

    public List<OriginStatus> statuses() {
        List<OriginState> current = origins;
        List<OriginStatus> statuses = new ArrayList<>(current.size());
        for (OriginState origin : current) {
            statuses.add(origin.status());
        }
        return statuses;
    }

    public void addListener(Consumer<HealthTransition> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<HealthTransition> listener) {
        listeners.remove(listener);
    }

    private void fire(HealthTransition transition) {
        if (transition == null) {
            return;
        }
        LOG.info(
                "origin '{}' is now {} (was {}): {}",
                transition.origin(),
                transition.to(),
                transition.from(),
                transition.reason());
        for (Consumer<HealthTransition> listener : listeners) {
            try {
                listener.accept(transition);
            } catch (RuntimeException e) {
                LOG.warn("health listener {} failed on {}", listener, transition, e);
            }
        }
    }
}
