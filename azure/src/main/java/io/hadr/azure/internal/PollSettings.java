package io.hadr.azure.internal;

import java.time.Duration;

/**
 * How to poll Azure's long-running operations.
 *
 * @param defaultInterval the wait between polls when Azure sends no {@code Retry-After}
 * @param maxInterval the longest wait honoured from {@code Retry-After}
 * @param progressEvery how often a still-running operation reports progress
 */
public record PollSettings(Duration defaultInterval, Duration maxInterval, Duration progressEvery) {

    /** Azure's own clients wait 30 s by default; hadr polls more often so that drills time failovers closely. */
    public static final PollSettings DEFAULT =
            new PollSettings(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30));

    public PollSettings {
        if (defaultInterval.isNegative() || maxInterval.isNegative() || progressEvery.isNegative()) {
            throw new IllegalArgumentException("poll intervals cannot be negative");
        }
    }
}
