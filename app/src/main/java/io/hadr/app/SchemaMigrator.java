package io.hadr.app;

import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Creates and upgrades the schema with Flyway, in the background and again until it succeeds: an
 * app must start (and answer its liveness probe) even when its database is down, which Boot's
 * start-up migration would not allow. Until the schema is ready, record requests get 503.
 */
class SchemaMigrator implements HealthIndicator, InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final long RETRY_MILLIS = 1000;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final AtomicReference<String> lastError = new AtomicReference<>("not tried yet");
    private volatile boolean ready;
    private Thread worker;

    SchemaMigrator(DataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    boolean ready() {
        return ready;
    }

    String lastError() {
        return lastError.get();
    }

    @Override
    public void afterPropertiesSet() {
        worker = new Thread(this::migrateUntilDone, "hadr-schema");
        worker.setDaemon(true);
        worker.start();
    }

    private void migrateUntilDone() {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.flywayLocation())
                .connectRetries(0)
                .load();
        while (!ready && !Thread.currentThread().isInterrupted()) {
            try {
                int applied = flyway.migrate().migrationsExecuted;
                ready = true;
                log.info("schema ready ({} migration{} applied)", applied, applied == 1 ? "" : "s");
            } catch (RuntimeException e) {
                String reason = DatabaseFailures.describe(e);
                if (!reason.equals(lastError.getAndSet(reason))) {
                    log.warn("schema not ready, retrying every {} ms: {}", RETRY_MILLIS, e.toString());
                }
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public Health health() {
        return ready
                ? Health.up().build()
                : Health.down().withDetail("reason", lastError.get()).build();
    }

    @Override
    public void destroy() {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
