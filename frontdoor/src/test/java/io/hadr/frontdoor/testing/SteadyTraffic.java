package io.hadr.frontdoor.testing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A steady stream of GETs at a fixed rate, like a drill's read traffic, recording every outcome.
 * Bounded: it stops by itself after {@code maxDuration}.
 */
public final class SteadyTraffic implements AutoCloseable {

    /**
     * One request: when it was sent and when its answer was complete (nanoTime), its status (-1 for
     * a transport failure), body and error info header.
     */
    public record Outcome(long sentNanos, long completedNanos, int status, String body, String errorInfo) {

        public boolean ok() {
            return status == 200;
        }
    }

    private final ScheduledExecutorService sender;
    private final ConcurrentLinkedQueue<CompletableFuture<Outcome>> pending = new ConcurrentLinkedQueue<>();

    private SteadyTraffic(URI uri, int perSecond, Duration maxDuration) {
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-traffic"));
        long periodMicros = 1_000_000L / perSecond;
        long maxRequests = maxDuration.toMillis() * perSecond / 1000;
        sender.scheduleAtFixedRate(
                () -> {
                    if (pending.size() >= maxRequests) {
                        return;
                    }
                    long sent = System.nanoTime();
                    pending.add(Http.getAsync(uri)
                            .handle((response, failure) -> failure != null
                                    ? new Outcome(sent, System.nanoTime(), -1, String.valueOf(failure), null)
                                    : new Outcome(
                                            sent,
                                            System.nanoTime(),
                                            response.statusCode(),
                                            response.body(),
                                            response.headers()
                                                    .firstValue("X-Hadr-Error-Info")
                                                    .orElse(null))));
                },
                0,
                periodMicros,
                TimeUnit.MICROSECONDS);
    }

    public static SteadyTraffic start(URI uri, int perSecond, Duration maxDuration) {
        return new SteadyTraffic(uri, perSecond, maxDuration);
    }

    /** Stops sending and waits for every answer. */
    public List<Outcome> stop() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> future : pending) {
            outcomes.add(future.join());
        }
        outcomes.sort((x, y) -> Long.compare(x.sentNanos(), y.sentNanos()));
        return outcomes;
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
