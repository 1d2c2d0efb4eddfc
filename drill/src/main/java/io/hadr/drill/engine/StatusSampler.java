package io.hadr.drill.engine;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.Platform;
import io.hadr.drill.measure.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the platform's status in the background, so that the moments the platform noticed a
 * fault (an origin turned unhealthy) and the database changed primary can be put on the timeline.
 * A status call that fails is counted and skipped: the drill measures traffic, the status only
 * adds detail.
 */
final class StatusSampler implements AutoCloseable {

    /** What one status sample said. */
    record Point(long nanos, String primary, Map<String, Boolean> originHealthy) {}

    private final Platform platform;
    private final TimeSource time;
    private final Duration interval;
    private final List<Point> points = new ArrayList<>();
    private volatile int failures;
    private volatile String lastError;
    private volatile boolean running = true;
    private Thread thread;

    StatusSampler(Platform platform, TimeSource time, Duration interval) {
        this.platform = platform;
        this.time = time;
        this.interval = interval;
    }

    void start() {
        thread = new Thread(this::loop, "drill-status");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long started = time.nanos();
            try {
                EnvironmentStatus status = platform.status();
                Map<String, Boolean> health = new LinkedHashMap<>();
                for (EnvironmentStatus.RegionStatus region : status.regions()) {
                    if (region.origin() != null) {
                        health.put(region.id(), region.origin().healthy());
                    }
                }
                String primary =
                        status.database() == null ? null : status.database().primary();
                synchronized (points) {
                    points.add(new Point(time.nanos(), primary, health));
                }
            } catch (RuntimeException e) {
                if (!running) {
                    // close() interrupted the call: the drill is over, nothing failed.
                    return;
                }
                failures++;
                lastError = e.getMessage();
            }
            long sleep = interval.toNanos() - (time.nanos() - started);
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    List<Point> points() {
        synchronized (points) {
            return List.copyOf(points);
        }
    }

    int failures() {
        return failures;
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
