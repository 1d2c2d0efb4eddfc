package io.hadr.drill.measure;

import io.hadr.drill.spec.TrafficKind;

/**
 * One request the drill sent through the endpoint and what became of it.
 *
 * @param kind read or write
 * @param sendNanos monotonic time the request was handed to the HTTP client
 * @param endNanos monotonic time its answer (or failure) arrived
 * @param status the HTTP status, or 0 when no answer came
 * @param error why it failed without an answer (timeout, connection refused, ...), or null
 * @param region the region that answered ({@code X-Hadr-Region}), or null when none did
 * @param id for a write, the record id {@code <writer>-<seq>}; null for a read
 * @param ok whether it succeeded: 200 for a read, 201 or 200 (an acknowledged retry) for a write
 */
public record Sample(
        TrafficKind kind,
        long sendNanos,
        long endNanos,
        int status,
        String error,
        String region,
        String id,
        boolean ok) {

    public long latencyNanos() {
        return endNanos - sendNanos;
    }

    /** How the request ended, for people: {@code 200}, {@code 503}, {@code timeout}. */
    public String outcome() {
        return status != 0 ? String.valueOf(status) : error;
    }
}
