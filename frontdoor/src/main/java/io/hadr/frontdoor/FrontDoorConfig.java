package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.Checks;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The immutable configuration of a {@link FrontDoor}, grouped like Azure Front Door's resources:
 * where it listens and the profile's id, the origin group's {@link HealthProbeSettings} and
 * {@link LoadBalancingSettings}, the {@link Timeouts}, the origins, and hadr's own options.
 *
 * <p>Built by a validating {@link Builder} (or the canonical constructor, which checks the same):
 * every value is checked at once with a message that holds the value, contradictions fail, and
 * nothing is silently clamped. Defaults are Azure's. The checks are those the router itself
 * needs (a positive interval, a sample window that fits); whether a setting is one Azure would
 * accept, and how a local setup differs from Azure, is decided and reported by the topology that
 * a front door is configured from, not here.
 *
 * @param host the address to listen on; default {@code 127.0.0.1}
 * @param port the port to listen on, 0–65535; 0 (default) means an ephemeral port, see
 *     {@link FrontDoor#endpoint()}
 * @param frontDoorId the profile's id, sent to origins and on probes as {@code X-Azure-FDID};
 *     default a random UUID, like Azure's GUID
 * @param healthProbe the origin group's health probe settings
 * @param loadBalancing the origin group's load-balancing settings
 * @param timeouts the origin response timeout and the request headers timeout
 * @param sessionAffinity keep a client on one origin with the {@code ASLBSA} cookie, as Azure's
 *     {@code sessionAffinityState}; default off
 * @param retryOnNextOrigin hadr's improvement, on by default: retry a request once on the next
 *     eligible origin when the connection to its origin cannot be opened (any method whose body
 *     has not been read), or when it closes before any response header arrives (GET, HEAD,
 *     OPTIONS, PUT, DELETE, TRACE whose body has not been read). Nothing is retried after response
 *     headers arrived or after a timeout. Off behaves like Azure Front Door, which answers with an
 *     error
 * @param passiveHealthOnConnectionRefused hadr's option, off by default: an origin that refuses a
 *     connection counts as unhealthy at once, until one of its probes succeeds. Azure decides
 *     health from probes only; with retry on, users see no failure anyway, so the default keeps
 *     Azure's failover timing, which is what drills measure
 * @param maxConnectionsPerOrigin size of the keep-alive pool towards each origin, 1–10000;
 *     default 256
 * @param clock the clock that timestamps probe results and health transitions
 * @param origins the origins, in the order they were added; at least one, names and addresses
 *     unique
 */
public record FrontDoorConfig(
        String host,
        int port,
        String frontDoorId,
        HealthProbeSettings healthProbe,
        LoadBalancingSettings loadBalancing,
        Timeouts timeouts,
        boolean sessionAffinity,
        boolean retryOnNextOrigin,
        boolean passiveHealthOnConnectionRefused,
        int maxConnectionsPerOrigin,
        Clock clock,
        List<OriginConfig> origins) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ORIGIN = 256;

    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    public FrontDoorConfig {
        Checks.notBlank("host", host);
        Checks.between("port", port, 0, 65535);
        checkFrontDoorId(frontDoorId);
        Checks.notNull("healthProbe", healthProbe);
        Checks.notNull("loadBalancing", loadBalancing);
        Checks.notNull("timeouts", timeouts);
        Checks.between("maxConnectionsPerOrigin", maxConnectionsPerOrigin, 1, 10_000);
        Checks.notNull("clock", clock);
        origins = List.copyOf(Checks.notNull("origins", origins));
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("a front door needs at least one origin, but none was added");
        }
        Set<String> names = new HashSet<>();
        Map<URI, String> byAddress = new HashMap<>();
        for (OriginConfig origin : origins) {
            if (!names.add(origin.name())) {
                long times = origins.stream()
                        .filter(o -> o.name().equals(origin.name()))
                        .count();
                throw new IllegalArgumentException(
                        "origin names must be unique, but '" + origin.name() + "' was added " + times + " times");
            }
            String other = byAddress.putIfAbsent(origin.address(), origin.name());
            if (other != null) {
                throw new IllegalArgumentException("origin addresses must be unique, but '" + other + "' and '"
                        + origin.name() + "' both use " + origin.address());
            }
        }
    }

    /** A builder with Azure's defaults and no origins. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.host = host;
        builder.port = port;
        builder.frontDoorId = frontDoorId;
        builder.healthProbe = healthProbe.toBuilder();
        builder.loadBalancing = loadBalancing.toBuilder();
        builder.timeouts = timeouts;
        builder.sessionAffinity = sessionAffinity;
        builder.retryOnNextOrigin = retryOnNextOrigin;
        builder.passiveHealthOnConnectionRefused = passiveHealthOnConnectionRefused;
        builder.maxConnectionsPerOrigin = maxConnectionsPerOrigin;
        builder.clock = clock;
        builder.origins.addAll(origins);
        return builder;
    }

    private static String checkFrontDoorId(String frontDoorId) {
        Checks.notBlank("frontDoorId", frontDoorId);
        if (!TOKEN.matcher(frontDoorId).matches()) {
            throw new IllegalArgumentException(
                    "frontDoorId must be printable ASCII without spaces, but was '" + frontDoorId + "'");
        }
        return frontDoorId;
    }

    /**
     * Builds a {@link FrontDoorConfig}. Setters check their own value; {@link #build()} checks that
     * the values fit together. The probe, load-balancing and timeout setters are shortcuts into
     * the grouped settings.
     */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int port = 0;
        private String frontDoorId = UUID.randomUUID().toString();
        private HealthProbeSettings.Builder healthProbe = HealthProbeSettings.builder();
        private LoadBalancingSettings.Builder loadBalancing = LoadBalancingSettings.builder();
        private Timeouts timeouts = Timeouts.defaults();
        private boolean sessionAffinity = false;
        private boolean retryOnNextOrigin = true;
        private boolean passiveHealthOnConnectionRefused = false;
        private int maxConnectionsPerOrigin = DEFAULT_MAX_CONNECTIONS_PER_ORIGIN;
        private Clock clock = Clock.systemUTC();
        private final List<OriginConfig> origins = new ArrayList<>();

        private Builder() {}

        /** The address to listen on; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Checks.notBlank("host", host);
            return this;
        }

        /** The port to listen on, 0–65535; default 0, an ephemeral port. */
        public Builder port(int port) {
            this.port = Checks.between("port", port, 0, 65535);
            return this;
        }

        /** The profile id sent as {@code X-Azure-FDID}; default a random UUID, like Azure's GUID. */
        public Builder frontDoorId(String frontDoorId) {
            this.frontDoorId = checkFrontDoorId(frontDoorId);
            return this;
        }

        /** All health probe settings at once. */
        public Builder healthProbe(HealthProbeSettings healthProbe) {
            this.healthProbe = Checks.notNull("healthProbe", healthProbe).toBuilder();
            return this;
        }

        /** All load-balancing settings at once. */
        public Builder loadBalancing(LoadBalancingSettings loadBalancing) {
            this.loadBalancing = Checks.notNull("loadBalancing", loadBalancing).toBuilder();
            return this;
        }

        /** Both timeouts at once. */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Checks.notNull("timeouts", timeouts);
            return this;
        }

        /** See {@link HealthProbeSettings#path()}. */
        public Builder probePath(String probePath) {
            healthProbe.path(probePath);
            return this;
        }

        /** See {@link HealthProbeSettings#requestType()}. */
        public Builder probeRequestType(ProbeRequestType probeRequestType) {
            healthProbe.requestType(probeRequestType);
            return this;
        }

        /** See {@link HealthProbeSettings#protocol()}. */
        public Builder probeProtocol(ProbeProtocol probeProtocol) {
            healthProbe.protocol(probeProtocol);
            return this;
        }

        /** See {@link HealthProbeSettings#interval()}. */
        public Builder probeInterval(Duration probeInterval) {
            healthProbe.interval(probeInterval);
            return this;
        }

        /** See {@link LoadBalancingSettings#sampleSize()}. */
        public Builder sampleSize(int sampleSize) {
            loadBalancing.sampleSize(sampleSize);
            return this;
        }

        /** See {@link LoadBalancingSettings#successfulSamplesRequired()}. */
        public Builder successfulSamplesRequired(int successfulSamplesRequired) {
            loadBalancing.successfulSamplesRequired(successfulSamplesRequired);
            return this;
        }

        /** See {@link LoadBalancingSettings#additionalLatency()}. */
        public Builder additionalLatency(Duration additionalLatency) {
            loadBalancing.additionalLatency(additionalLatency);
            return this;
        }

        /** See {@link Timeouts#originResponse()}. */
        public Builder originResponseTimeout(Duration originResponseTimeout) {
            this.timeouts = timeouts.withOriginResponse(originResponseTimeout);
            return this;
        }

        /** See {@link Timeouts#requestHeaders()}. */
        public Builder requestHeadersTimeout(Duration requestHeadersTimeout) {
            this.timeouts = timeouts.withRequestHeaders(requestHeadersTimeout);
            return this;
        }

        /** See {@link FrontDoorConfig#sessionAffinity()}. */
        public Builder sessionAffinity(boolean sessionAffinity) {
            this.sessionAffinity = sessionAffinity;
            return this;
        }

        /** See {@link FrontDoorConfig#retryOnNextOrigin()}. */
        public Builder retryOnNextOrigin(boolean retryOnNextOrigin) {
            this.retryOnNextOrigin = retryOnNextOrigin;
            return this;
        }

        /** See {@link FrontDoorConfig#passiveHealthOnConnectionRefused()}. */
        public Builder passiveHealthOnConnectionRefused(boolean passiveHealthOnConnectionRefused) {
            this.passiveHealthOnConnectionRefused = passiveHealthOnConnectionRefused;
            return this;
        }

        /** Size of the keep-alive pool towards each origin, 1–10000; default 256. */
        public Builder maxConnectionsPerOrigin(int maxConnectionsPerOrigin) {
            this.maxConnectionsPerOrigin =
                    Checks.between("maxConnectionsPerOrigin", maxConnectionsPerOrigin, 1, 10_000);
            return this;
        }

        /** The clock that timestamps probe results and health transitions; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Adds an origin; names and addresses must be unique (checked by {@link #build()}). */
        public Builder origin(OriginConfig origin) {
            origins.add(Checks.notNull("origin", origin));
            return this;
        }

        /** Adds an enabled origin with the given priority and weight. */
        public Builder origin(String name, URI address, int priority, int weight) {
            return origin(OriginConfig.of(name, address, priority, weight));
        }

        /** Adds every origin of the list, in order. */
        public Builder origins(List<OriginConfig> origins) {
            Checks.notNull("origins", origins).forEach(this::origin);
            return this;
        }

        /** Removes every origin added so far. */
        public Builder clearOrigins() {
            origins.clear();
            return this;
        }

        /**
         * Checks that the settings fit together and returns the configuration.
         *
         * @throws IllegalArgumentException naming the first contradiction found
         */
        public FrontDoorConfig build() {
            return new FrontDoorConfig(
                    host,
                    port,
                    frontDoorId,
                    healthProbe.build(),
                    loadBalancing.build(),
                    timeouts,
                    sessionAffinity,
                    retryOnNextOrigin,
                    passiveHealthOnConnectionRefused,
                    maxConnectionsPerOrigin,
                    clock,
                    origins);
        }
    }
}
