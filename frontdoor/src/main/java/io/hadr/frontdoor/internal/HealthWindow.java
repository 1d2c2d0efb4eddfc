package io.hadr.frontdoor.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@code sampleSize} probe results of one origin, and what Azure Front Door derives from
 * them: the origin is healthy when at least {@code successfulSamplesRequired} of them succeeded.
 *
 * <p>The window starts empty and is {@link #seed seeded} with the first probe's result, repeated
 * {@code sampleSize} times, so that health is defined from the first probe on (see
 * {@link io.hadr.frontdoor.OriginHealth}). Not thread-safe: the owner synchronizes.
 */
public final class HealthWindow {

    private final int sampleSize;
    private final int successfulSamplesRequired;
    private final boolean[] successes;
    private final long[] latencyNanos;
    private int next;
    private int count;

    public HealthWindow(int sampleSize, int successfulSamplesRequired) {
        Checks.between("sampleSize", sampleSize, 1, 255);
        Checks.between("successfulSamplesRequired", successfulSamplesRequired, 0, sampleSize);
        this.sampleSize = sampleSize;
        this.successfulSamplesRequired = successfulSamplesRequired;
        this.successes = new boolean[sampleSize];
        this.latencyNanos = new long[sampleSize];
    }

    /** Fills the whole window with one result: the state right after the first probe. */
    public void seed(boolean success, Duration latency) {
        for (int i = 0; i < sampleSize; i++) {
            successes[i] = success;
            latencyNanos[i] = latency.toNanos();
        }
        next = 0;
        count = sampleSize;
    }

    /** Adds a result, dropping the oldest once the window is full. */
    public void record(boolean success, Duration latency) {
        successes[next] = success;
        latencyNanos[next] = latency.toNanos();
        next = (next + 1) % sampleSize;
        count = Math.min(count + 1, sampleSize);
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int successes() {
        int total = 0;
        for (int i = 0; i < count; i++) {
            if (successes[index(i)]) {
                total++;
            }
        }
        return total;
    }

    /** Azure's rule: at least {@code successfulSamplesRequired} of the last {@code sampleSize} probes succeeded. */
    public boolean isHealthy() {
        return count > 0 && successes() >= successfulSamplesRequired;
    }

    /** The results, oldest first. */
    public List<Boolean> results() {
        List<Boolean> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(successes[index(i)]);
        }
        return results;
    }

    /** Mean latency of the successful probes in the window; empty when none succeeded. */
    public Optional<Duration> meanSuccessfulLatency() {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < count; i++) {
            int at = index(i);
            if (successes[at]) {
                sum += latencyNanos[at];
                n++;
            }
        }
        return n == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(sum / n));
    }

    /** A short description for logs and transitions, e.g. {@code "✓✓✗✗ (2 of last 4 succeeded, 3 required)"}. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (boolean success : results()) {
            text.append(success ? '✓' : '✗');
        }
        return text.append(" (")
                .append(successes())
                .append(" of last ")
                .append(count)
                .append(" succeeded, ")
                .append(successfulSamplesRequired)
                .append(" required)")
                .toString();
    }

    private int index(int i) {
        // The oldest entry sits at `next` once the window is full, at 0 before.
        return count < sampleSize ? i : (next + i) % sampleSize;
    }
}
