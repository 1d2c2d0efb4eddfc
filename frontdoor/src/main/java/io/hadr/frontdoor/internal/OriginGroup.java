package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.HealthTransition;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.frontdoor.OriginUpdate;
import io.hadr.frontdoor.UnknownOriginException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origins of the front door with their health and routing: probe results go in, the origin for
 * each request comes out. Free of any network code, so that health and routing rules are tested
 * with a test clock and made-up probe results.
 */
public final class OriginGroup {

    private static final Logger LOG = LoggerFactory.getLogger(OriginGroup.class);

    private final Map<String, OriginState> byName = new LinkedHashMap<>();
    private final List<OriginState> origins;
    private final OriginSelector selector;
    private final Clock clock;
    private final boolean passiveHealthOnConnectionRefused;
    private final List<Consumer<HealthTransition>> listeners = new CopyOnWriteArrayList<>();

    public OriginGroup(FrontDoorConfig config) {
        for (OriginConfig origin : config.origins()) {
            byName.put(origin.name(), new OriginState(origin, config.sampleSize(), config.successfulSamplesRequired()));
        }
        this.origins = List.copyOf(byName.values());
        this.selector = new OriginSelector(config.additionalLatency());
        this.clock = config.clock();
        this.passiveHealthOnConnectionRefused = config.passiveHealthOnConnectionRefused();
    }

    public List<OriginState> origins() {
        return origins;
    }

    /** The origin with this name, or {@link UnknownOriginException}. */
    public OriginState origin(String name) {
        OriginState origin = byName.get(name);
        if (origin == null) {
            throw UnknownOriginException.unknownOrigin(name, byName.keySet());
        }
        return origin;
    }

    /**
     * The origin for a request.
     *
     * @param affinityToken the client's {@code ASLBSA} value, or null without session affinity
     * @param excluded origins already tried for this request
     * @return empty when no origin outside {@code excluded} is enabled
     */
    public Optional<OriginState> select(String affinityToken, Set<OriginState> excluded) {
        return selector.select(origins, affinityToken, excluded);
    }

    public void recordProbe(OriginState origin, boolean success, Duration latency) {
        fire(origin.recordProbe(success, latency, clock.instant()));
    }

    /** A connection to the origin was refused; with passive health on, the origin is down until a probe succeeds. */
    public void recordConnectionRefused(OriginState origin) {
        if (passiveHealthOnConnectionRefused) {
            fire(origin.markPassivelyDown(clock.instant()));
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
        LOG.info("origin '{}' updated: enabled {} -> {}, priority {} -> {}, weight {} -> {}", name,
                before.enabled(), after.enabled(), before.priority(), after.priority(), before.weight(), after.weight());
        return origin.status();
    }

    public List<OriginStatus> statuses() {
        List<OriginStatus> statuses = new ArrayList<>(origins.size());
        for (OriginState origin : origins) {
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
        LOG.info("origin '{}' is now {} (was {}): {}", transition.origin(), transition.to(), transition.from(),
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
