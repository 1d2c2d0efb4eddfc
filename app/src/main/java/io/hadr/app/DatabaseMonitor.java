package io.hadr.app;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which database role this app reaches through its connection string, refreshed in the background
 * every second so that {@code GET /} and readiness answer from memory: a read must not wait for a
 * database that is failing over. It also knows when the database last answered anyone, which
 * tells a write whether the database is switching roles (worth waiting for) or away for good.
 */
class DatabaseMonitor implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DatabaseMonitor.class);
    private static final long REFRESH_MILLIS = 1000;
    /** A look older than this (a pause, plus a query slower than the pool's 2 s wait) means the refresh is stuck. */
    static final Duration STALE_AFTER = Duration.ofSeconds(5);

    /** What the app last saw: role primary, secondary or unreachable, and the server's name. */
    record Snapshot(String role, String server, Instant checkedAt, String error) {
        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", role);
            map.put("server", server);
            map.put("checkedAt", checkedAt == null ? null : checkedAt.toString());
            if (error != null) {
                map.put("error", error);
            }
            return map;
        }
    }

    private final JdbcTemplate jdbc;
    private final Dialect dialect;
    private final DatabaseRetry.Clock clock;
    private volatile Snapshot snapshot = new Snapshot("unknown", null, null, "not checked yet");
    // Start-up counts as contact: writes in the first seconds after a start are retried, not failed at once.
    private volatile long lastAnsweredNanos;
    private volatile long lastLookNanos;
    private Thread worker;

    DatabaseMonitor(JdbcTemplate jdbc, Dialect dialect, DatabaseRetry.Clock clock) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.clock = clock;
        this.lastAnsweredNanos = clock.nanoTime();
        this.lastLookNanos = lastAnsweredNanos;
    }

    /**
     * The last look, unless it is too old: a database that hangs (its processes stopped, a network
     * that drops packets) blocks the refresh itself, and must not go on looking reachable.
     */
    Snapshot snapshot() {
        Snapshot last = snapshot;
        Duration age = Duration.ofNanos(Math.max(0, clock.nanoTime() - lastLookNanos));
        if (age.compareTo(STALE_AFTER) > 0) {
            return new Snapshot("unreachable", null, last.checkedAt(),
                    "the database has not answered for " + age.toSeconds() + " s");
        }
        return last;
    }

    /** Notes that the database just answered a request. */
    void answered() {
        lastAnsweredNanos = clock.nanoTime();
    }

    /** How long ago the database last answered this app (a refresh or a request). */
    Duration silentFor() {
        return Duration.ofNanos(Math.max(0, clock.nanoTime() - lastAnsweredNanos));
    }

    @Override
    public void afterPropertiesSet() {
        worker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                refresh();
                try {
                    Thread.sleep(REFRESH_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "hadr-db-monitor");
        worker.setDaemon(true);
        worker.start();
    }

    void refresh() {
        try {
            Snapshot now = jdbc.queryForObject(dialect.roleQuery(),
                    (rs, n) -> new Snapshot(rs.getString(1), rs.getString(2), Instant.now(), null));
            answered();
            if ("unreachable".equals(snapshot.role())) {
                log.info("database reachable again: {} server {}", now.role(), now.server());
            }
            snapshot = now;
            lastLookNanos = clock.nanoTime();
        } catch (RuntimeException e) {
            if (!"unreachable".equals(snapshot.role())) {
                log.warn("database unreachable: {}", e.toString());
            }
            snapshot = new Snapshot("unreachable", null, Instant.now(), DatabaseFailures.describe(e));
            lastLookNanos = clock.nanoTime();
        }
    }

    @Override
    public void destroy() {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
