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
    private volatile Look look;
    // Start-up counts as contact: writes in the first seconds after a start are retried, not failed at once.
    private volatile long lastAnsweredNanos;
    private Thread worker;

    DatabaseMonitor(JdbcTemplate jdbc, Dialect dialect, DatabaseRetry.Clock clock) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.clock = clock;
        this.lastAnsweredNanos = clock.nanoTime();
        this.look = new Look(new Snapshot("unknown", null, null, "not checked yet"), lastAnsweredNanos);
    }

    /**
     * One look at the database and when it was taken. Its stale form is made once, so that it is
     * the same object until the next look: {@code GET /} renders once per snapshot object.
     */
    private static final class Look {
        final Snapshot snapshot;
        final long atNanos;
        private Snapshot stale;

        Look(Snapshot snapshot, long atNanos) {
            this.snapshot = snapshot;
            this.atNanos = atNanos;
        }

        synchronized Snapshot stale() {
            if (stale == null) {
                stale = new Snapshot(
                        "unreachable",
                        null,
                        snapshot.checkedAt(),
                        "the database has not answered for more than " + STALE_AFTER.toSeconds() + " s");
            }
            return stale;
        }
    }

    /**
     * The last look, unless it is too old: a database that hangs (its processes stopped, a network
     * that drops packets) blocks the refresh itself, and must not go on looking reachable.
     */
    Snapshot snapshot() {
        Look last = look;
        Duration age = Duration.ofNanos(Math.max(0, clock.nanoTime() - last.atNanos));
        return age.compareTo(STALE_AFTER) > 0 ? last.stale() : last.snapshot;
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
        worker = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        refresh();
                        try {
                            Thread.sleep(REFRESH_MILLIS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                "hadr-db-monitor");
        worker.setDaemon(true);
        worker.start();
    }

    void refresh() {
        try {
            Snapshot now = jdbc.queryForObject(
                    dialect.roleQuery(),
                    (rs, n) -> new Snapshot(rs.getString(1), rs.getString(2), Instant.now(), null));
            answered();
            if ("unreachable".equals(look.snapshot.role())) {
                log.info("database reachable again: {} server {}", now.role(), now.server());
            }
            look = new Look(now, clock.nanoTime());
        } catch (RuntimeException e) {
            if (!"unreachable".equals(look.snapshot.role())) {
                log.warn("database unreachable: {}", e.toString());
            }
            look = new Look(
                    new Snapshot("unreachable", null, Instant.now(), DatabaseFailures.describe(e)), clock.nanoTime());
        }
    }

    @Override
    public void destroy() {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
