package io.hadr.app;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which database role this app reaches through its connection string, refreshed in the background
 * every second so that {@code GET /} answers from memory: a read must not wait for a database
 * that is failing over.
 */
class DatabaseMonitor implements InitializingBean, DisposableBean {

    private static final long REFRESH_MILLIS = 1000;

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
    private volatile Snapshot snapshot = new Snapshot("unknown", null, null, "not checked yet");
    private Thread worker;

    DatabaseMonitor(JdbcTemplate jdbc, Dialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    Snapshot snapshot() {
        return snapshot;
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
            snapshot = jdbc.queryForObject(dialect.roleQuery(),
                    (rs, n) -> new Snapshot(rs.getString(1), rs.getString(2), Instant.now(), null));
        } catch (RuntimeException e) {
            snapshot = new Snapshot("unreachable", null, Instant.now(), SchemaMigrator.rootMessage(e));
        }
    }

    @Override
    public void destroy() {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
