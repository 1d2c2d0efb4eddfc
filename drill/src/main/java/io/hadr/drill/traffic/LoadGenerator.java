package io.hadr.drill.traffic;

import io.hadr.drill.measure.Sample;
import io.hadr.drill.measure.TimeSource;
import io.hadr.drill.spec.Traffic;
import io.hadr.drill.spec.TrafficKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a drill's traffic through the endpoint at fixed rates, open-loop: a request is sent on
 * schedule whether or not earlier ones have answered, so that an outage shows as failures and
 * timeouts at the time it happens instead of stalling the measurement. Every request becomes a
 * {@link Sample} with its monotonic send time, outcome, latency and the region that answered.
 *
 * <p>Writes post {@code {"id":"<writer>-<seq>","writer","seq"}}; each id is sent once, so that an
 * acknowledged id that the database later lacks is a lost write and nothing else.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Past this many requests of one kind without an answer, a slot fails at once instead of piling up. */
    static final int MAX_IN_FLIGHT = 2000;

    private static final int RECENT = 256;
    /** A send this much behind its slot in the schedule counts as late. */
    static final long LATE_NANOS = 50_000_000L;

    private final URI endpoint;
    private final Traffic traffic;
    private final List<String> writers;
    private final TimeSource time;
    private final ExecutorService executor;
    private final HttpClient client;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final Map<TrafficKind, ArrayDeque<Sample>> recent = new EnumMap<>(TrafficKind.class);
    private final Map<TrafficKind, AtomicBoolean> paused = new EnumMap<>(TrafficKind.class);
    private final Map<TrafficKind, AtomicInteger> inFlight = new EnumMap<>(TrafficKind.class);
    /** Per kind, the send times of the requests without an answer yet (a count per time: two may share one). */
    private final Map<TrafficKind, ConcurrentSkipListMap<Long, Integer>> unanswered = new EnumMap<>(TrafficKind.class);

    private final Map<String, AtomicLong> sequences = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong writeTurn = new AtomicLong();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong lateSends = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> schedulers = new ArrayList<>();

    private final java.util.function.Consumer<Sample> listener;

    public LoadGenerator(URI endpoint, Traffic traffic, List<String> writers, TimeSource time) {
        this(endpoint, traffic, writers, time, sample -> {});
    }

    /**
     * @param listener told of every finished request, on the HTTP client's threads; must be quick
     */
    public LoadGenerator(
            URI endpoint,
            Traffic traffic,
            List<String> writers,
            TimeSource time,
            java.util.function.Consumer<Sample> listener) {
        this.listener = listener;
        if (writers.isEmpty()) {
            throw new IllegalArgumentException("a load generator needs at least one writer");
        }
        this.endpoint = endpoint;
        this.traffic = traffic;
        this.writers = List.copyOf(writers);
        this.time = time;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "drill-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Duration connectTimeout = traffic.requestTimeout().compareTo(Duration.ofSeconds(3)) < 0
                ? traffic.requestTimeout()
                : Duration.ofSeconds(3);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        for (TrafficKind kind : TrafficKind.values()) {
            recent.put(kind, new ArrayDeque<>());
            paused.put(kind, new AtomicBoolean());
            inFlight.put(kind, new AtomicInteger());
            unanswered.put(kind, new ConcurrentSkipListMap<>());
        }
        for (String writer : this.writers) {
            sequences.put(writer, new AtomicLong());
        }
    }

    /** The HTTP client the generator uses; the records reader shares it. */
    public HttpClient client() {
        return client;
    }

    public List<String> writers() {
        return writers;
    }

    /** Starts sending at the traffic's rates. */
    public void start() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("the load generator is already running");
        }
        for (TrafficKind kind : TrafficKind.values()) {
            double rate = traffic.rate(kind);
            if (rate > 0) {
                Thread thread = new Thread(() -> schedule(kind, rate), "drill-" + kind.word());
                thread.setDaemon(true);
                schedulers.add(thread);
                thread.start();
            }
        }
    }

    public void pause(TrafficKind kind) {
        paused.get(kind).set(true);
    }

    public void resume(TrafficKind kind) {
        paused.get(kind).set(false);
    }

    /**
     * Stops sending and waits until every request sent has its answer or has timed out.
     *
     * @return whether every request finished before the deadline
     */
    public boolean stop(Duration deadline) throws InterruptedException {
        running.set(false);
        for (Thread thread : schedulers) {
            LockSupport.unpark(thread);
            thread.join(5_000);
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (inFlightTotal() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return inFlightTotal() == 0;
    }

    private int inFlightTotal() {
        return inFlight.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Every finished request so far, in the order they were sent. */
    public List<Sample> samples() {
        List<Sample> list = new ArrayList<>(samples);
        list.sort(Comparator.comparingLong(Sample::sendNanos));
        return list;
    }

    /** The latest {@code n} finished requests of a kind, oldest first. */
    public List<Sample> latest(TrafficKind kind, int n) {
        ArrayDeque<Sample> deque = recent.get(kind);
        synchronized (deque) {
            List<Sample> list = new ArrayList<>(deque);
            return list.subList(Math.max(0, list.size() - n), list.size());
        }
    }

    /**
     * How far the generator fell behind its own schedule: sends made, sends more than 50 ms late,
     * the latest any send was. A starved machine shows here before it bends the measurements.
     */
    public record Lag(long sends, long lateSends, long maxLagNanos) {}

    public Lag lag() {
        return new Lag(sends.get(), lateSends.get(), maxLagNanos.get());
    }

    /** The send time of the oldest request of a kind still without an answer, if any. */
    public OptionalLong oldestUnanswered(TrafficKind kind) {
        Map.Entry<Long, Integer> oldest = unanswered.get(kind).firstEntry();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.getKey());
    }

    /**
     * Waits until every request sent at or before {@code sentUpToNanos} has its answer or has
     * timed out, so that a judgement over a span of sends sees all of them, not just the fast ones.
     *
     * @return whether they all finished before the deadline
     */
    public boolean awaitAnswers(long sentUpToNanos, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            boolean pending = false;
            for (TrafficKind kind : TrafficKind.values()) {
                OptionalLong oldest = oldestUnanswered(kind);
                pending |= oldest.isPresent() && oldest.getAsLong() <= sentUpToNanos;
            }
            if (!pending) {
                return true;
            }
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    /** Requests sent so far but not yet answered. */
    public int inFlight(TrafficKind kind) {
        return inFlight.get(kind).get();
    }

    private void schedule(TrafficKind kind, double rate) {
        long interval = (long) (1e9 / rate);
        long next = time.nanos();
        while (running.get()) {
            long wait = next - time.nanos();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            if (!paused.get(kind).get()) {
                long lag = time.nanos() - next;
                sends.incrementAndGet();
                if (lag > LATE_NANOS) {
                    lateSends.incrementAndGet();
                }
                maxLagNanos.accumulateAndGet(lag, Math::max);
                send(kind);
            }
            next += interval;
            long now = time.nanos();
            if (now - next > 1_000_000_000L) {
                // Fell more than a second behind (a stalled machine): go on from now rather than burst.
                next = now;
            }
        }
    }

    private void send(TrafficKind kind) {
        long sendNanos = time.nanos();
        String id = null;
        HttpRequest request;
        if (kind == TrafficKind.READS) {
            request = HttpRequest.newBuilder(endpoint.resolve("/"))
                    .timeout(traffic.requestTimeout())
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } else {
            String writer = writers.get((int) (writeTurn.getAndIncrement() % writers.size()));
            long seq = sequences.get(writer).incrementAndGet();
            id = writer + "-" + seq;
            String body = "{\"id\":\"" + id + "\",\"writer\":\"" + writer + "\",\"seq\":" + seq + "}";
            request = HttpRequest.newBuilder(endpoint.resolve("/api/records"))
                    .timeout(traffic.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
        }
        AtomicInteger counter = inFlight.get(kind);
        if (counter.get() >= MAX_IN_FLIGHT) {
            record(new Sample(
                    kind,
                    sendNanos,
                    sendNanos,
                    0,
                    "not sent: " + MAX_IN_FLIGHT + " requests already without an answer",
                    null,
                    id,
                    false));
            return;
        }
        counter.incrementAndGet();
        ConcurrentSkipListMap<Long, Integer> pending = unanswered.get(kind);
        pending.merge(sendNanos, 1, Integer::sum);
        String writeId = id;
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                long endNanos = time.nanos();
                try {
                    if (failure != null) {
                        record(new Sample(kind, sendNanos, endNanos, 0, classify(failure), null, writeId, false));
                    } else {
                        int status = response.statusCode();
                        String region =
                                response.headers().firstValue("X-Hadr-Region").orElse(null);
                        boolean ok = kind == TrafficKind.READS ? status == 200 : status == 201 || status == 200;
                        record(new Sample(kind, sendNanos, endNanos, status, null, region, writeId, ok));
                    }
                } finally {
                    pending.computeIfPresent(sendNanos, (at, n) -> n == 1 ? null : n - 1);
                    counter.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pending.computeIfPresent(sendNanos, (at, n) -> n == 1 ? null : n - 1);
            counter.decrementAndGet();
            record(new Sample(kind, sendNanos, time.nanos(), 0, classify(e), null, writeId, false));
        }
    }

    private void record(Sample sample) {
        samples.add(sample);
        listener.accept(sample);
        ArrayDeque<Sample> deque = recent.get(sample.kind());
        synchronized (deque) {
            deque.addLast(sample);
            if (deque.size() > RECENT) {
                deque.removeFirst();
            }
        }
    }

    /** Classifies by type: the messages of the JDK's HTTP client are not a contract. */
    static String classify(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timeout";
        }
        if (t instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof IOException) {
            return "connection error (" + t.getClass().getSimpleName() + ")";
        }
        return "client error (" + t.getClass().getSimpleName() + ")";
    }

    @Override
    public void close() {
        running.set(false);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
