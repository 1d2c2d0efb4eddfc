package io.hadr.drill.engine;

import io.hadr.core.topology.Durations;
import io.hadr.drill.measure.Sample;
import io.hadr.drill.measure.TimeSource;
import io.hadr.drill.spec.Safeguard;
import io.hadr.drill.spec.TrafficKind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Watches the traffic as it happens: reports a progress line now and then, and while armed checks
 * the safeguards, calling {@code onTrip} once when one is crossed. An error-rate safeguard is
 * crossed when the error rate of the last second stayed above its limit for its whole duration; a
 * second without any answer neither breaks nor extends a breach.
 */
final class TrafficWatch implements Consumer<Sample>, AutoCloseable {

    private static final long SECOND = 1_000_000_000L;
    private static final long TICK_MS = 200;

    private final TimeSource time;
    private final Duration progressInterval;
    private final Consumer<String> progress;
    private final LongFunction<String> clock;
    private final ArrayDeque<Sample> lastSecond = new ArrayDeque<>();
    private final Map<TrafficKind, List<Sample>> sinceLine = new EnumMap<>(TrafficKind.class);
    private final Object lock = new Object();

    private volatile List<Safeguard> safeguards = List.of();
    private volatile long armedAt;
    private volatile Consumer<String> onTrip;
    private final Map<Safeguard, Long> breachSince = new java.util.HashMap<>();
    private volatile String tripped;
    private volatile boolean running = true;
    private Thread thread;
    private long lastLine;

    /**
     * @param clock turns a monotonic time into the prefix of a progress line
     */
    TrafficWatch(TimeSource time, Duration progressInterval, Consumer<String> progress, LongFunction<String> clock) {
        this.time = time;
        this.progressInterval = progressInterval;
        this.progress = progress;
        this.clock = clock;
        for (TrafficKind kind : TrafficKind.values()) {
            sinceLine.put(kind, new ArrayList<>());
        }
    }

    @Override
    public void accept(Sample sample) {
        synchronized (lock) {
            lastSecond.addLast(sample);
            sinceLine.get(sample.kind()).add(sample);
        }
    }

    void start() {
        lastLine = time.nanos();
        thread = new Thread(this::loop, "drill-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts checking the safeguards; {@code onTrip} is called once, with the crossed safeguard's description. */
    void arm(List<Safeguard> safeguards, Consumer<String> onTrip) {
        synchronized (lock) {
            breachSince.clear();
        }
        this.armedAt = time.nanos();
        this.onTrip = onTrip;
        this.safeguards = List.copyOf(safeguards);
    }

    void disarm() {
        this.safeguards = List.of();
    }

    /** The safeguard that was crossed, in words, or null. */
    String tripped() {
        return tripped;
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = time.nanos();
            check(now);
            if (now - lastLine >= progressInterval.toNanos()) {
                lastLine = now;
                line(now);
            }
        }
    }

    void check(long now) {
        List<Safeguard> armed = safeguards;
        String crossed = null;
        synchronized (lock) {
            while (!lastSecond.isEmpty() && lastSecond.peekFirst().endNanos() < now - SECOND) {
                lastSecond.removeFirst();
            }
            if (armed.isEmpty() || tripped != null) {
                return;
            }
            for (Safeguard safeguard : armed) {
                if (safeguard instanceof Safeguard.MaxDuration max) {
                    if (now - armedAt >= max.limit().toNanos()) {
                        crossed = "'" + max.text() + "': the drill ran " + Durations.format(max.limit());
                    }
                } else if (safeguard instanceof Safeguard.ErrorRate rate) {
                    long total = 0;
                    long failed = 0;
                    for (Sample s : lastSecond) {
                        if (rate.kind() == null || rate.kind() == s.kind()) {
                            total++;
                            failed += s.ok() ? 0 : 1;
                        }
                    }
                    if (total == 0) {
                        continue;
                    }
                    double percent = 100.0 * failed / total;
                    if (percent > rate.percent()) {
                        long since = breachSince.computeIfAbsent(safeguard, k -> now);
                        if (now - since >= rate.duration().toNanos()) {
                            crossed = "'" + rate.text() + "': " + Math.round(percent) + "% of the last second's "
                                    + (rate.kind() == null
                                            ? "requests"
                                            : rate.kind().word()) + " failed, above "
                                    + fmt(rate.percent()) + "% for " + Durations.format(rate.duration());
                        }
                    } else {
                        breachSince.remove(safeguard);
                    }
                }
                if (crossed != null) {
                    break;
                }
            }
        }
        if (crossed != null) {
            tripped = crossed;
            Consumer<String> callback = onTrip;
            if (callback != null) {
                callback.accept(crossed);
            }
        }
    }

    private void line(long now) {
        Map<TrafficKind, List<Sample>> batch = new EnumMap<>(TrafficKind.class);
        synchronized (lock) {
            for (TrafficKind kind : TrafficKind.values()) {
                batch.put(kind, new ArrayList<>(sinceLine.get(kind)));
                sinceLine.get(kind).clear();
            }
        }
        StringBuilder text = new StringBuilder(clock.apply(now)).append("traffic");
        for (TrafficKind kind : TrafficKind.values()) {
            List<Sample> samples = batch.get(kind);
            if (samples.isEmpty()) {
                continue;
            }
            long ok = samples.stream().filter(Sample::ok).count();
            Map<String, Integer> regions = new TreeMap<>();
            Map<String, Integer> failures = new TreeMap<>();
            for (Sample s : samples) {
                if (s.ok()) {
                    regions.merge(s.region() == null ? "no region header" : s.region(), 1, Integer::sum);
                } else {
                    failures.merge(s.outcome(), 1, Integer::sum);
                }
            }
            text.append("  ")
                    .append(kind.word())
                    .append(' ')
                    .append(ok)
                    .append('/')
                    .append(samples.size())
                    .append(" ok");
            if (!regions.isEmpty()) {
                text.append(" ").append(regions);
            }
            if (!failures.isEmpty()) {
                text.append(" failed ").append(failures);
            }
        }
        progress.accept(text.toString());
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
