package io.hadr.drill.spec;

import java.time.Duration;

/**
 * The load a drill drives through the endpoint for its whole run.
 *
 * @param readsPerSecond {@code GET /} requests per second (0 for none)
 * @param writesPerSecond {@code POST /api/records} requests per second, spread over the writers
 * @param writers how many writers take turns; each writes ids {@code <writer>-<seq>}
 * @param requestTimeout a request without an answer by then counts as failed
 * @param sustained how long an unbroken run of successes must last for service to count as back (the RTO's end)
 */
public record Traffic(
        double readsPerSecond, double writesPerSecond, int writers, Duration requestTimeout, Duration sustained) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SUSTAINED = Duration.ofSeconds(1);

    public Traffic {
        if (readsPerSecond < 0 || writesPerSecond < 0) {
            throw new IllegalArgumentException("request rates cannot be negative");
        }
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, but was " + writers);
        }
    }

    public double rate(TrafficKind kind) {
        return kind == TrafficKind.READS ? readsPerSecond : writesPerSecond;
    }
}
