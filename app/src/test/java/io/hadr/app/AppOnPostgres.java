package io.hadr.app;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * One app process against one real PostgreSQL, for tests that take the database away: started
 * and stopped together, and put back as the next test expects it by {@link #databaseBack()}.
 */
final class AppOnPostgres implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);

    private final TestPostgres postgres;
    private final AppProcess app;

    private AppOnPostgres(TestPostgres postgres, AppProcess app) {
        this.postgres = postgres;
        this.app = app;
    }

    /** Starts PostgreSQL in {@code dir}, then an app of Central India on it, and waits until it is ready. */
    static AppOnPostgres start(Path dir) throws Exception {
        TestPostgres postgres = TestPostgres.start(dir);
        AppProcess app = null;
        try {
            app = AppProcess.start(Map.of(
                    "REGION_NAME",
                    "Central India",
                    "HADR_DB_URL",
                    postgres.jdbcUrl(),
                    "HADR_DB_USER",
                    TestPostgres.APP_USER));
            app.awaitReady(READY);
            return new AppOnPostgres(postgres, app);
        } catch (Exception | Error e) {
            if (app != null) {
                app.close();
            }
            postgres.close();
            throw e;
        }
    }

    TestPostgres postgres() {
        return postgres;
    }

    AppProcess app() {
        return app;
    }

    /**
     * The database as the next test expects it: running and writable (a test may have stopped
     * it or made it answer read-only), and the app ready on it again.
     */
    void databaseBack() throws Exception {
        if (!postgres.running()) {
            postgres.start();
        }
        try (Connection admin = postgres.admin();
                Statement s = admin.createStatement()) {
            s.execute("ALTER SYSTEM RESET default_transaction_read_only");
            s.execute("SELECT pg_reload_conf()");
        }
        app.awaitReady(READY);
    }

    @Override
    public void close() throws Exception {
        try {
            app.close();
        } finally {
            postgres.close();
        }
    }
}
