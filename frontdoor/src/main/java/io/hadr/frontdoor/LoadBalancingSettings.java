package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.Checks;
import java.time.Duration;

/**
 * How the front door decides health and picks among healthy origins: Azure Front Door's
 * {@code loadBalancingSettings} of an origin group. Defaults are Azure's: an origin is healthy when
 * 3 of its last 4 probes succeeded, and origins within 50 ms of the fastest share the traffic.
 *
 * @param sampleSize how many recent probes decide health, 1 to 255
 * @param successfulSamplesRequired how many of them must have succeeded, 0 to {@code sampleSize}
 * @param additionalLatency the width of the latency band above the fastest origin, not negative
 */
public record LoadBalancingSettings(int sampleSize, int successfulSamplesRequired, Duration additionalLatency) {

    public static final int DEFAULT_SAMPLE_SIZE = 4;
    public static final int DEFAULT_SUCCESSFUL_SAMPLES_REQUIRED = 3;
    public static final Duration DEFAULT_ADDITIONAL_LATENCY = Duration.ofMillis(50);
    /** The probe window is an array of this many results at most. */
    static final int MAX_SAMPLE_SIZE = 255;

    public LoadBalancingSettings {
        Checks.between("sampleSize", sampleSize, 1, MAX_SAMPLE_SIZE);
        Checks.between("successfulSamplesRequired", successfulSamplesRequired, 0, MAX_SAMPLE_SIZE);
        if (successfulSamplesRequired > sampleSize) {
            throw new IllegalArgumentException("successfulSamplesRequired must not exceed sampleSize (" + sampleSize
                    + "), but was " + successfulSamplesRequired);
        }
        Checks.notNegative("additionalLatency", additionalLatency);
    }

    /** Azure's defaults. */
    public static LoadBalancingSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .sampleSize(sampleSize)
                .successfulSamplesRequired(successfulSamplesRequired)
                .additionalLatency(additionalLatency);
    }

    /**
     * Builds {@link LoadBalancingSettings}; each setter rejects a bad value at once, {@link #build()}
     * rejects a {@code successfulSamplesRequired} above {@code sampleSize}.
     */
    public static final class Builder {

        private int sampleSize = DEFAULT_SAMPLE_SIZE;
        private int successfulSamplesRequired = DEFAULT_SUCCESSFUL_SAMPLES_REQUIRED;
        private Duration additionalLatency = DEFAULT_ADDITIONAL_LATENCY;

        private Builder() {}

        /** How many recent probes decide health, 1–255; default 4. */
        public Builder sampleSize(int sampleSize) {
            this.sampleSize = Checks.between("sampleSize", sampleSize, 1, MAX_SAMPLE_SIZE);
            return this;
        }

        /** How many of the recent probes must have succeeded, 0–255 and at most sampleSize; default 3. */
        public Builder successfulSamplesRequired(int successfulSamplesRequired) {
            this.successfulSamplesRequired =
                    Checks.between("successfulSamplesRequired", successfulSamplesRequired, 0, MAX_SAMPLE_SIZE);
            return this;
        }

        /** The width of the latency band above the fastest origin, not negative; default 50 ms. */
        public Builder additionalLatency(Duration additionalLatency) {
            this.additionalLatency = Checks.notNegative("additionalLatency", additionalLatency);
            return this;
        }

        public LoadBalancingSettings build() {
            return new LoadBalancingSettings(sampleSize, successfulSamplesRequired, additionalLatency);
        }
    }
}
