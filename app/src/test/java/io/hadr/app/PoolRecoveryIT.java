package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The app's connection pool, as the app configures it, against a real PostgreSQL whose first
 * session is cut while the pool looks at it: what happens when an app starts during a failover.
 * The pool must connect again once the database answers, not stay broken until a restart.
 */
class PoolRecoveryIT {

    @TempDir
    static Path dir;

    private static TestPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void poolWhoseFirstSessionIsCutWhileItIsInspectedConnectsOnceTheDatabaseAnswers() throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "hadr.db.url",
                                postgres.jdbcUrl(),
                                "hadr.db.user",
                                TestPostgres.APP_USER,
                                "hadr.db.pool-size",
                                "2")));
        HikariConfig config = DatabaseConfiguration.poolConfig(environment, Dialect.POSTGRESQL);
        // The first session dies between the pool's validity check and its question about the
        // default isolation level, as a session through the listener does when a failover cuts it.
        config.setDataSource(new FirstSessionCutWhenAskedForIsolation(config.getJdbcUrl(), config.getUsername()));
        config.setJdbcUrl(null);

        try (HikariDataSource pool = new HikariDataSource(config)) {

            // Each attempt waits at most the pool's connection timeout; the pool may need a few.
            String isolation = await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> isolationOf(pool), level -> level != null);

            assertThat(isolation).isEqualTo("read committed");
        }
    }

    private static String isolationOf(DataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT current_setting('transaction_isolation')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Real pgjdbc sessions; the first one answers its first isolation question as a cut session does. */
    private static final class FirstSessionCutWhenAskedForIsolation implements DataSource {
        private final String url;
        private final String user;
        private final AtomicBoolean cut = new AtomicBoolean();

        FirstSessionCutWhenAskedForIsolation(String url, String user) {
            this.url = url;
            this.user = user;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = DriverManager.getConnection(url, user, null);
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getTransactionIsolation") && cut.compareAndSet(false, true)) {
                            real.close();
                            // What pgjdbc throws on a closed session (SQLState 08003).
                            throw new SQLException("This connection has been closed.", "08003");
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
