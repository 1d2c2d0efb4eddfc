package io.hadr.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database, when {@code HADR_DB_URL} is set: one connection string for both regions, the
 * failover group's read-write listener, as on Azure. Every wait is bounded so that during a
 * failover requests fail fast with 503 instead of hanging, and the app starts even while the
 * database is down (liveness stays up, readiness says why).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hadr.db.url")
class DatabaseConfiguration {

    @Bean
    Dialect dialect(Environment environment) {
        return Dialect.fromJdbcUrl(environment.getRequiredProperty("hadr.db.url"));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(Environment environment, Dialect dialect) {
        return new HikariDataSource(poolConfig(environment, dialect));
    }

    /** The pool's settings, apart so that a test can build the same pool over a connection source of its own. */
    static HikariConfig poolConfig(Environment environment, Dialect dialect) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("hadr-db");
        config.setJdbcUrl(environment.getRequiredProperty("hadr.db.url"));
        config.setUsername(environment.getProperty("hadr.db.user"));
        config.setPassword(environment.getProperty("hadr.db.password"));
        config.setMaximumPoolSize(environment.getProperty("hadr.db.pool-size", Integer.class, 10));
        // A request waits at most this long for a connection: the bound on a failover's 503s.
        config.setConnectionTimeout(environment.getProperty("hadr.db.connection-timeout-ms", Long.class, 2000L));
        config.setValidationTimeout(1000);
        // No legitimate read from the database waits this long (records stream in small batches),
        // so a server that stops answering fails the request instead of holding its thread.
        Map.Entry<String, String> socketTimeout = dialect.socketTimeout(
                Duration.ofSeconds(environment.getProperty("hadr.db.socket-timeout-seconds", Long.class, 8L)));
        config.addDataSourceProperty(socketTimeout.getKey(), socketTimeout.getValue());
        config.setKeepaliveTime(30_000);
        config.setMaxLifetime(600_000);
        // Start without a database; the pool connects when one answers.
        config.setInitializationFailTimeout(-1);
        // Said, not detected: HikariCP asks the first connection for the server's default, and when
        // that connection is cut meanwhile (a failover while the app starts) it keeps "-1" and then
        // sets that on every new connection, which pgjdbc refuses: the pool never connects again
        // (HikariCP issues 1944 and 2269). READ COMMITTED is the default of PostgreSQL and Azure SQL.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    @Bean
    JdbcTemplate jdbcTemplate(DataSource dataSource) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setQueryTimeout(5);
        return template;
    }

    @Bean
    DataSourceTransactionManager transactionManager(DataSource dataSource) {
        return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    TransactionTemplate transactionTemplate(DataSourceTransactionManager transactionManager) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        template.setTimeout(10);
        return template;
    }

    @Bean
    SchemaMigrator schemaMigrator(DataSource dataSource, Dialect dialect) {
        return new SchemaMigrator(dataSource, dialect);
    }

    @Bean
    DatabaseMonitor databaseMonitor(JdbcTemplate jdbc, Dialect dialect) {
        return new DatabaseMonitor(jdbc, dialect, DatabaseRetry.Clock.system());
    }

    /** Readiness answers from the monitor's last look, in words, instead of Actuator's own check. */
    @Bean
    DatabaseHealth dbHealthIndicator(DatabaseMonitor monitor) {
        return new DatabaseHealth(monitor);
    }

    /**
     * How long a write caught by a role switch is retried: long enough for a planned failover
     * (about a second) and a quick forced one, short enough to stay under Front Door's origin
     * response timeout (16 s at least).
     */
    @Bean
    DatabaseRetry databaseRetry(Environment environment) {
        return new DatabaseRetry(
                millis(
                        environment,
                        "hadr.db.write-retry-ms",
                        "HADR_DB_WRITE_RETRY_MS",
                        10_000,
                        "how long a write caught by a failover is retried"),
                Duration.ofMillis(20),
                Duration.ofMillis(500),
                DatabaseRetry.Clock.system());
    }

    @Bean
    RecordStore recordStore(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            HikariDataSource dataSource,
            Dialect dialect,
            AppIdentity identity,
            SchemaMigrator schema,
            DatabaseMonitor monitor,
            DatabaseRetry retry,
            Environment environment) {
        // A role switch silences the database for about a second; an outage does not end by itself.
        Duration awayAfter = millis(
                environment,
                "hadr.db.away-after-ms",
                "HADR_DB_AWAY_AFTER_MS",
                5_000,
                "how long the database may be silent before writes stop waiting for it");
        return new RecordStore(
                jdbc, transactions, dataSource, dialect, identity.region(), schema, monitor, retry, awayAfter);
    }

    private static Duration millis(
            Environment environment, String property, String variable, long defaultMillis, String what) {
        long value = environment.getProperty(property, Long.class, defaultMillis);
        if (value < 0) {
            throw new IllegalArgumentException(
                    variable + " must be 0 or more (milliseconds: " + what + "), but was " + value);
        }
        return Duration.ofMillis(value);
    }
}
