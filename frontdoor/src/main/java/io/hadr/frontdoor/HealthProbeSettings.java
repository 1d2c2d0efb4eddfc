package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.Checks;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How the front door probes its origins: Azure Front Door's {@code healthProbeSettings} of an
 * origin group. Defaults are Azure's: {@code HEAD} over HTTP to {@code /} every 240 s.
 *
 * <p>The interval is also each probe's timeout: a probe that has no complete answer when the next
 * one is due counts as failed. Only what the router itself needs is checked here; whether a value
 * is one Azure would accept is the topology's concern.
 *
 * @param path the path probes request; starts with {@code /}
 * @param requestType {@code HEAD} or {@code GET}
 * @param protocol {@code HTTP} or {@code HTTPS}
 * @param interval time between two probes of an origin, 10 ms to 1 h
 */
public record HealthProbeSettings(
        String path, ProbeRequestType requestType, ProbeProtocol protocol, Duration interval) {

    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(240);
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7e&&[^#]]*");

    public HealthProbeSettings {
        checkPath(path);
        Checks.notNull("probeRequestType", requestType);
        Checks.notNull("probeProtocol", protocol);
        Checks.between("probeInterval", interval, MIN_INTERVAL, MAX_INTERVAL);
    }

    /** Azure's defaults. */
    public static HealthProbeSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .path(path)
                .requestType(requestType)
                .protocol(protocol)
                .interval(interval);
    }

    private static String checkPath(String path) {
        Checks.notBlank("probePath", path);
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException(
                    "probePath must start with '/' and hold no spaces or '#', but was '" + path + "'");
        }
        return path;
    }

    /** Builds {@link HealthProbeSettings}; each setter rejects a bad value at once. */
    public static final class Builder {

        private String path = DEFAULT_PATH;
        private ProbeRequestType requestType = ProbeRequestType.HEAD;
        private ProbeProtocol protocol = ProbeProtocol.HTTP;
        private Duration interval = DEFAULT_INTERVAL;

        private Builder() {}

        /** The path probes request; must start with {@code /}; default {@code /}. */
        public Builder path(String path) {
            this.path = checkPath(path);
            return this;
        }

        /** {@code HEAD} (default) or {@code GET}. */
        public Builder requestType(ProbeRequestType requestType) {
            this.requestType = Checks.notNull("probeRequestType", requestType);
            return this;
        }

        /** {@code HTTP} (default) or {@code HTTPS}. */
        public Builder protocol(ProbeProtocol protocol) {
            this.protocol = Checks.notNull("probeProtocol", protocol);
            return this;
        }

        /** Time between probes of each origin, also each probe's timeout; 10 ms to 1 h, default 240 s. */
        public Builder interval(Duration interval) {
            this.interval = Checks.between("probeInterval", interval, MIN_INTERVAL, MAX_INTERVAL);
            return this;
        }

        public HealthProbeSettings build() {
            return new HealthProbeSettings(path, requestType, protocol, interval);
        }
    }
}
