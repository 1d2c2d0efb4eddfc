package io.hadr.frontdoor;

import static io.hadr.frontdoor.internal.Checks.human;

import io.hadr.frontdoor.internal.Checks;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The immutable configuration of a {@link FrontDoor}: where it listens, its Azure Front Door profile
 * id, one origin group (health probe and load-balancing settings and its origins), the origin
 * response timeout, and hadr's own options.
 *
 * <p>Built by a validating {@link Builder}: every setter rejects a bad value at once with a message
 * that holds the value and what is allowed, {@link Builder#build()} rejects contradictions, and
 * nothing is silently clamped. Ranges and defaults are Azure Front Door Standard/Premium's:
 *
 * <table>
 *   <caption>Settings, defaults and ranges</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th><th>Azure source</th></tr>
 *   <tr><td>{@code probePath}</td><td>{@code /}</td><td>starts with {@code /}</td><td>healthProbeSettings.probePath</td></tr>
 *   <tr><td>{@code probeRequestType}</td><td>{@code HEAD}</td><td>HEAD, GET</td><td>"HEAD for new profiles"</td></tr>
 *   <tr><td>{@code probeProtocol}</td><td>{@code HTTP}</td><td>HTTP, HTTPS</td><td>probeProtocol</td></tr>
 *   <tr><td>{@code probeInterval}</td><td>240 s</td><td>1–255 s (shorter with {@link Builder#allowNonAzureTimings})</td><td>probeIntervalInSeconds, "Default is 240sec"</td></tr>
 *   <tr><td>{@code sampleSize}</td><td>4</td><td>1–255</td><td>loadBalancingSettings.sampleSize</td></tr>
 *   <tr><td>{@code successfulSamplesRequired}</td><td>3</td><td>0–255, at most sampleSize</td><td>loadBalancingSettings</td></tr>
 *   <tr><td>{@code additionalLatency}</td><td>50 ms</td><td>0–1000 ms</td><td>additionalLatencyInMilliseconds</td></tr>
 *   <tr><td>{@code originResponseTimeout}</td><td>30 s</td><td>16–240 s (shorter with {@link Builder#allowNonAzureTimings})</td><td>profile originResponseTimeoutSeconds</td></tr>
 *   <tr><td>{@code sessionAffinity}</td><td>off</td><td></td><td>sessionAffinityState (ASLBSA cookie)</td></tr>
 * </table>
 *
 * <p>hadr's options, which make it behave differently from Azure, are reported by
 * {@link #nonAzureSettings()}: {@code retryOnNextOrigin} (on by default), {@code
 * passiveHealthOnConnectionRefused} (off by default) and timings outside Azure's ranges.
 */
public final class FrontDoorConfig {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_PROBE_PATH = "/";
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(240);
    public static final int DEFAULT_SAMPLE_SIZE = 4;
    public static final int DEFAULT_SUCCESSFUL_SAMPLES_REQUIRED = 3;
    public static final Duration DEFAULT_ADDITIONAL_LATENCY = Duration.ofMillis(50);
    public static final Duration DEFAULT_ORIGIN_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ORIGIN = 256;

    static final Duration AZURE_MIN_PROBE_INTERVAL = Duration.ofSeconds(1);
    static final Duration AZURE_MAX_PROBE_INTERVAL = Duration.ofSeconds(255);
    static final Duration AZURE_MIN_ORIGIN_RESPONSE_TIMEOUT = Duration.ofSeconds(16);
    static final Duration AZURE_MAX_ORIGIN_RESPONSE_TIMEOUT = Duration.ofSeconds(240);
    static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_PROBE_INTERVAL = Duration.ofHours(1);
    static final Duration MIN_ORIGIN_RESPONSE_TIMEOUT = Duration.ofMillis(10);
    static final Duration MAX_ORIGIN_RESPONSE_TIMEOUT = Duration.ofHours(1);
    static final Duration MAX_ADDITIONAL_LATENCY = Duration.ofMillis(1000);

    private final String host;
    private final int port;
    private final String frontDoorId;
    private final String probePath;
    private final ProbeRequestType probeRequestType;
    private final ProbeProtocol probeProtocol;
    private final Duration probeInterval;
    private final int sampleSize;
    private final int successfulSamplesRequired;
    private final Duration additionalLatency;
    private final Duration originResponseTimeout;
    private final boolean sessionAffinity;
    private final boolean retryOnNextOrigin;
    private final boolean passiveHealthOnConnectionRefused;
    private final boolean allowNonAzureTimings;
    private final int maxConnectionsPerOrigin;
    private final Clock clock;
    private final List<OriginConfig> origins;

    private FrontDoorConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.frontDoorId = builder.frontDoorId;
        this.probePath = builder.probePath;
        this.probeRequestType = builder.probeRequestType;
        this.probeProtocol = builder.probeProtocol;
        this.probeInterval = builder.probeInterval;
        this.sampleSize = builder.sampleSize;
        this.successfulSamplesRequired = builder.successfulSamplesRequired;
        this.additionalLatency = builder.additionalLatency;
        this.originResponseTimeout = builder.originResponseTimeout;
        this.sessionAffinity = builder.sessionAffinity;
        this.retryOnNextOrigin = builder.retryOnNextOrigin;
        this.passiveHealthOnConnectionRefused = builder.passiveHealthOnConnectionRefused;
        this.allowNonAzureTimings = builder.allowNonAzureTimings;
        this.maxConnectionsPerOrigin = builder.maxConnectionsPerOrigin;
        this.clock = builder.clock;
        this.origins = List.copyOf(builder.origins.values());
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
        builder.probePath = probePath;
        builder.probeRequestType = probeRequestType;
        builder.probeProtocol = probeProtocol;
        builder.probeInterval = probeInterval;
        builder.sampleSize = sampleSize;
        builder.successfulSamplesRequired = successfulSamplesRequired;
        builder.additionalLatency = additionalLatency;
        builder.originResponseTimeout = originResponseTimeout;
        builder.sessionAffinity = sessionAffinity;
        builder.retryOnNextOrigin = retryOnNextOrigin;
        builder.passiveHealthOnConnectionRefused = passiveHealthOnConnectionRefused;
        builder.allowNonAzureTimings = allowNonAzureTimings;
        builder.maxConnectionsPerOrigin = maxConnectionsPerOrigin;
        builder.clock = clock;
        origins.forEach(origin -> builder.origins.put(origin.name(), origin));
        return builder;
    }

    /** The address the front door listens on. */
    public String host() {
        return host;
    }

    /** The port the front door listens on; 0 means an ephemeral port (see {@link FrontDoor#endpoint()}). */
    public int port() {
        return port;
    }

    /** The profile's id, sent to origins and on probes as {@code X-Azure-FDID}. */
    public String frontDoorId() {
        return frontDoorId;
    }

    public String probePath() {
        return probePath;
    }

    public ProbeRequestType probeRequestType() {
        return probeRequestType;
    }

    public ProbeProtocol probeProtocol() {
        return probeProtocol;
    }

    /** Time between two probes of an origin; also the time a probe may take before it counts as failed. */
    public Duration probeInterval() {
        return probeInterval;
    }

    public int sampleSize() {
        return sampleSize;
    }

    public int successfulSamplesRequired() {
        return successfulSamplesRequired;
    }

    public Duration additionalLatency() {
        return additionalLatency;
    }

    /**
     * How long the front door waits for the origin to send (the next part of) its answer before it
     * answers {@code 504 OriginTimeout}: Azure's send/receive timeout, applied to every read, not to
     * the whole transfer, so a large download that keeps flowing is never cut.
     */
    public Duration originResponseTimeout() {
        return originResponseTimeout;
    }

    public boolean sessionAffinity() {
        return sessionAffinity;
    }

    public boolean retryOnNextOrigin() {
        return retryOnNextOrigin;
    }

    public boolean passiveHealthOnConnectionRefused() {
        return passiveHealthOnConnectionRefused;
    }

    public boolean allowNonAzureTimings() {
        return allowNonAzureTimings;
    }

    /** Size of the keep-alive connection pool towards each origin. */
    public int maxConnectionsPerOrigin() {
        return maxConnectionsPerOrigin;
    }

    /** The clock that timestamps probe results and health transitions. */
    public Clock clock() {
        return clock;
    }

    /** The origins, in the order they were added. */
    public List<OriginConfig> origins() {
        return origins;
    }

    /**
     * Every way this configuration makes the front door behave unlike Azure Front Door, one
     * human-readable sentence each; empty when it behaves exactly like Azure (retry off, passive
     * health off, Azure's timing ranges).
     */
    public List<String> nonAzureSettings() {
        List<String> notes = new ArrayList<>();
        if (!isAzureTiming(probeInterval, AZURE_MIN_PROBE_INTERVAL, AZURE_MAX_PROBE_INTERVAL)) {
            notes.add("probeInterval is " + human(probeInterval) + "; Azure allows whole seconds from "
                    + human(AZURE_MIN_PROBE_INTERVAL) + " to " + human(AZURE_MAX_PROBE_INTERVAL));
        }
        if (!isAzureTiming(originResponseTimeout, AZURE_MIN_ORIGIN_RESPONSE_TIMEOUT, AZURE_MAX_ORIGIN_RESPONSE_TIMEOUT)) {
            notes.add("originResponseTimeout is " + human(originResponseTimeout) + "; Azure allows whole seconds from "
                    + human(AZURE_MIN_ORIGIN_RESPONSE_TIMEOUT) + " to " + human(AZURE_MAX_ORIGIN_RESPONSE_TIMEOUT));
        }
        if (retryOnNextOrigin) {
            notes.add("retryOnNextOrigin is on: when the connection to an origin cannot be opened (any method), or a pooled "
                    + "connection closes before response headers (GET, HEAD, OPTIONS, PUT, DELETE), the request is retried "
                    + "once on the next eligible origin; Azure Front Door answers with an error instead");
        }
        if (passiveHealthOnConnectionRefused) {
            notes.add("passiveHealthOnConnectionRefused is on: an origin that refuses a connection counts as unhealthy "
                    + "until its next successful probe; Azure Front Door decides health from probes only");
        }
        return List.copyOf(notes);
    }

    private static boolean isAzureTiming(Duration value, Duration min, Duration max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0 && value.toNanos() % 1_000_000_000L == 0;
    }

    @Override
    public String toString() {
        return "FrontDoorConfig{" + host + ":" + port
                + ", frontDoorId=" + frontDoorId
                + ", probe=" + probeRequestType + " " + probeProtocol.scheme() + " " + probePath + " every " + human(probeInterval)
                + ", samples=" + successfulSamplesRequired + "/" + sampleSize
                + ", additionalLatency=" + human(additionalLatency)
                + ", originResponseTimeout=" + human(originResponseTimeout)
                + ", sessionAffinity=" + sessionAffinity
                + ", retryOnNextOrigin=" + retryOnNextOrigin
                + ", passiveHealthOnConnectionRefused=" + passiveHealthOnConnectionRefused
                + ", origins=" + origins + "}";
    }

    /**
     * Builds a {@link FrontDoorConfig}. Setters check their own value; {@link #build()} checks that
     * the values fit together.
     */
    public static final class Builder {

        private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

        private String host = DEFAULT_HOST;
        private int port = 0;
        private String frontDoorId = UUID.randomUUID().toString();
        private String probePath = DEFAULT_PROBE_PATH;
        private ProbeRequestType probeRequestType = ProbeRequestType.HEAD;
        private ProbeProtocol probeProtocol = ProbeProtocol.HTTP;
        private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
        private int sampleSize = DEFAULT_SAMPLE_SIZE;
        private int successfulSamplesRequired = DEFAULT_SUCCESSFUL_SAMPLES_REQUIRED;
        private Duration additionalLatency = DEFAULT_ADDITIONAL_LATENCY;
        private Duration originResponseTimeout = DEFAULT_ORIGIN_RESPONSE_TIMEOUT;
        private boolean sessionAffinity = false;
        private boolean retryOnNextOrigin = true;
        private boolean passiveHealthOnConnectionRefused = false;
        private boolean allowNonAzureTimings = false;
        private int maxConnectionsPerOrigin = DEFAULT_MAX_CONNECTIONS_PER_ORIGIN;
        private Clock clock = Clock.systemUTC();
        private final Map<String, OriginConfig> origins = new LinkedHashMap<>();
        private final Map<String, Integer> duplicateNames = new HashMap<>();

        private Builder() {
        }

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
            Checks.notBlank("frontDoorId", frontDoorId);
            if (!TOKEN.matcher(frontDoorId).matches()) {
                throw new IllegalArgumentException(
                        "frontDoorId must be printable ASCII without spaces, but was '" + frontDoorId + "'");
            }
            this.frontDoorId = frontDoorId;
            return this;
        }

        /** The path probes request; must start with {@code /}; default {@code /}. */
        public Builder probePath(String probePath) {
            Checks.notBlank("probePath", probePath);
            if (!probePath.startsWith("/") || !TOKEN.matcher(probePath).matches() || probePath.contains("#")) {
                throw new IllegalArgumentException("probePath must start with '/' and hold no spaces or '#', but was '"
                        + probePath + "'");
            }
            this.probePath = probePath;
            return this;
        }

        /** {@code HEAD} (default) or {@code GET}. */
        public Builder probeRequestType(ProbeRequestType probeRequestType) {
            this.probeRequestType = Checks.notNull("probeRequestType", probeRequestType);
            return this;
        }

        /** {@code HTTP} (default) or {@code HTTPS}. */
        public Builder probeProtocol(ProbeProtocol probeProtocol) {
            this.probeProtocol = Checks.notNull("probeProtocol", probeProtocol);
            return this;
        }

        /**
         * Time between probes of each origin, also the time a probe may take; default 240 s. Azure
         * allows whole seconds from 1 to 255; anything else needs {@link #allowNonAzureTimings(boolean)}.
         */
        public Builder probeInterval(Duration probeInterval) {
            this.probeInterval = Checks.between("probeInterval", probeInterval, MIN_PROBE_INTERVAL, MAX_PROBE_INTERVAL);
            return this;
        }

        /** How many recent probes decide health, 1–255; default 4. */
        public Builder sampleSize(int sampleSize) {
            this.sampleSize = Checks.between("sampleSize", sampleSize, 1, 255);
            return this;
        }

        /** How many of the recent probes must have succeeded, 0–255 and at most sampleSize; default 3. */
        public Builder successfulSamplesRequired(int successfulSamplesRequired) {
            this.successfulSamplesRequired = Checks.between("successfulSamplesRequired", successfulSamplesRequired, 0, 255);
            return this;
        }

        /** The width of the latency band above the fastest origin, 0–1000 ms; default 50 ms. */
        public Builder additionalLatency(Duration additionalLatency) {
            this.additionalLatency =
                    Checks.between("additionalLatency", additionalLatency, Duration.ZERO, MAX_ADDITIONAL_LATENCY);
            return this;
        }

        /**
         * How long to wait for the origin to send (more of) its answer, default 30 s. Azure allows
         * whole seconds from 16 to 240; anything else needs {@link #allowNonAzureTimings(boolean)}.
         */
        public Builder originResponseTimeout(Duration originResponseTimeout) {
            this.originResponseTimeout = Checks.between("originResponseTimeout", originResponseTimeout,
                    MIN_ORIGIN_RESPONSE_TIMEOUT, MAX_ORIGIN_RESPONSE_TIMEOUT);
            return this;
        }

        /** Keep a client on one origin with the {@code ASLBSA} cookie, as Azure's sessionAffinityState; default off. */
        public Builder sessionAffinity(boolean sessionAffinity) {
            this.sessionAffinity = sessionAffinity;
            return this;
        }

        /**
         * hadr's improvement, on by default: retry a request once on the next eligible origin when
         * the connection to its origin cannot be opened (any method whose body has not been read),
         * or when a pooled connection closes before any response header arrives (GET, HEAD,
         * OPTIONS, PUT, DELETE whose body has not been read). Nothing is retried after response
         * headers arrived. Off behaves like Azure Front Door, which answers with an error.
         */
        public Builder retryOnNextOrigin(boolean retryOnNextOrigin) {
            this.retryOnNextOrigin = retryOnNextOrigin;
            return this;
        }

        /**
         * hadr's option, off by default: an origin that refuses a connection counts as unhealthy at
         * once, until one of its probes succeeds. Azure decides health from probes only; with
         * {@link #retryOnNextOrigin(boolean)} on, users see no failure anyway, so the default keeps
         * Azure's behaviour and its failover timing, which is what drills measure.
         */
        public Builder passiveHealthOnConnectionRefused(boolean passiveHealthOnConnectionRefused) {
            this.passiveHealthOnConnectionRefused = passiveHealthOnConnectionRefused;
            return this;
        }

        /**
         * Allow probe intervals and origin response timeouts outside Azure's ranges (e.g. a 200 ms
         * probe interval so that local drills run quickly). Such values are listed by
         * {@link FrontDoorConfig#nonAzureSettings()}.
         */
        public Builder allowNonAzureTimings(boolean allowNonAzureTimings) {
            this.allowNonAzureTimings = allowNonAzureTimings;
            return this;
        }

        /** Size of the keep-alive pool towards each origin, 1–10000; default 256. */
        public Builder maxConnectionsPerOrigin(int maxConnectionsPerOrigin) {
            this.maxConnectionsPerOrigin = Checks.between("maxConnectionsPerOrigin", maxConnectionsPerOrigin, 1, 10_000);
            return this;
        }

        /** The clock that timestamps probe results and health transitions; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Adds an origin; names must be unique (checked by {@link #build()}). */
        public Builder origin(OriginConfig origin) {
            Checks.notNull("origin", origin);
            if (origins.putIfAbsent(origin.name(), origin) != null) {
                duplicateNames.merge(origin.name(), 2, (count, one) -> count + 1);
            }
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
            duplicateNames.clear();
            return this;
        }

        /**
         * Checks that the settings fit together and returns the configuration.
         *
         * @throws IllegalArgumentException naming the first contradiction found
         */
        public FrontDoorConfig build() {
            if (origins.isEmpty()) {
                throw new IllegalArgumentException("a front door needs at least one origin, but none was added");
            }
            if (!duplicateNames.isEmpty()) {
                Map.Entry<String, Integer> duplicate = duplicateNames.entrySet().iterator().next();
                throw new IllegalArgumentException("origin names must be unique, but '" + duplicate.getKey()
                        + "' was added " + duplicate.getValue() + " times");
            }
            Map<URI, String> byAddress = new HashMap<>();
            for (OriginConfig origin : origins.values()) {
                String other = byAddress.putIfAbsent(origin.address(), origin.name());
                if (other != null) {
                    throw new IllegalArgumentException("origin addresses must be unique, but '" + other + "' and '"
                            + origin.name() + "' both use " + origin.address());
                }
            }
            if (successfulSamplesRequired > sampleSize) {
                throw new IllegalArgumentException("successfulSamplesRequired (" + successfulSamplesRequired
                        + ") must not exceed sampleSize (" + sampleSize + ")");
            }
            if (!allowNonAzureTimings) {
                requireAzureTiming("probeInterval", probeInterval, AZURE_MIN_PROBE_INTERVAL, AZURE_MAX_PROBE_INTERVAL);
                requireAzureTiming("originResponseTimeout", originResponseTimeout,
                        AZURE_MIN_ORIGIN_RESPONSE_TIMEOUT, AZURE_MAX_ORIGIN_RESPONSE_TIMEOUT);
            }
            return new FrontDoorConfig(this);
        }

        private static void requireAzureTiming(String name, Duration value, Duration min, Duration max) {
            if (!isAzureTiming(value, min, max)) {
                throw new IllegalArgumentException(name + " must be whole seconds between " + human(min) + " and "
                        + human(max) + " (Azure's range), but was " + human(value)
                        + "; call allowNonAzureTimings(true) to use it locally");
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof FrontDoorConfig that)) {
            return false;
        }
        return port == that.port && sampleSize == that.sampleSize
                && successfulSamplesRequired == that.successfulSamplesRequired
                && sessionAffinity == that.sessionAffinity && retryOnNextOrigin == that.retryOnNextOrigin
                && passiveHealthOnConnectionRefused == that.passiveHealthOnConnectionRefused
                && allowNonAzureTimings == that.allowNonAzureTimings
                && maxConnectionsPerOrigin == that.maxConnectionsPerOrigin
                && host.equals(that.host) && frontDoorId.equals(that.frontDoorId) && probePath.equals(that.probePath)
                && probeRequestType == that.probeRequestType && probeProtocol == that.probeProtocol
                && probeInterval.equals(that.probeInterval) && additionalLatency.equals(that.additionalLatency)
                && originResponseTimeout.equals(that.originResponseTimeout) && clock.equals(that.clock)
                && origins.equals(that.origins);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, frontDoorId, probePath, probeInterval, sampleSize, successfulSamplesRequired,
                origins);
    }
}
