package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

class DatabaseMonitorTest {

    private static final class TestClock implements DatabaseRetry.Clock {
        long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration duration) {
            now += duration.toNanos();
        }
    }

    /** A database that answers the role query as a primary named 'centralindia'. */
    private static final class PrimaryAnswers extends JdbcTemplate {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T queryForObject(String sql, RowMapper<T> rowMapper) {
            return (T) new DatabaseMonitor.Snapshot("primary", "centralindia", Instant.now(), null);
        }
    }

    private final TestClock clock = new TestClock();
    private final DatabaseMonitor monitor = new DatabaseMonitor(new PrimaryAnswers(), Dialect.POSTGRESQL, clock);

    @Test
    void aFreshLookIsReportedAsItIs() {
        monitor.refresh();
        clock.sleep(Duration.ofSeconds(2));

        assertThat(monitor.snapshot().role()).isEqualTo("primary");
        assertThat(monitor.snapshot().server()).isEqualTo("centralindia");
    }

    @Test
    void aLookThatIsNotRenewedBecauseTheRefreshHangsTurnsUnreachable() {
        monitor.refresh();
        // The next refresh is stuck on a database that does not answer: nothing renews the look.
        clock.sleep(DatabaseMonitor.STALE_AFTER.plusSeconds(1));

        DatabaseMonitor.Snapshot snapshot = monitor.snapshot();
        assertThat(snapshot.role()).isEqualTo("unreachable");
        assertThat(snapshot.error()).isEqualTo("the database has not answered for more than 5 s");
        assertThat(new DatabaseHealth(monitor).health().getStatus().getCode()).isEqualTo("DOWN");

        monitor.refresh();
        assertThat(monitor.snapshot().role()).isEqualTo("primary");
    }

    @Test
    void aStaleLookIsOneSnapshotUntilTheNextLookSoThatPagesAreRenderedOncePerLook() {
        monitor.refresh();
        clock.sleep(DatabaseMonitor.STALE_AFTER.plusSeconds(1));
        DatabaseMonitor.Snapshot first = monitor.snapshot();

        clock.sleep(Duration.ofSeconds(30));
        DatabaseMonitor.Snapshot later = monitor.snapshot();

        assertThat(later).isSameAs(first);
        monitor.refresh();
        clock.sleep(DatabaseMonitor.STALE_AFTER.plusSeconds(1));
        assertThat(monitor.snapshot()).isNotSameAs(first).isSameAs(monitor.snapshot());
    }
}
