package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class SessionRenewalTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final AtomicInteger renewals = new AtomicInteger();
    private final SessionRenewal renewal =
            new SessionRenewal(renewals::incrementAndGet, Duration.ofSeconds(1), now::get);

    private static RuntimeException cut() {
        return new DataAccessResourceFailureException("cut", new SQLException("An I/O error occurred", "08006"));
    }

    @Test
    void shouldRenewOnceForAllTheRequestsThatFailAtTheSameSwitch() {
        for (int request = 0; request < 50; request++) {
            renewal.afterFailure(cut());
            now.addAndGet(10_000_000L);
        }

        assertThat(renewals).as("50 failures within 0.5 s").hasValue(1);
    }

    @Test
    void shouldRenewAgainOnceTheIntervalHasPassed() {
        assertThat(renewal.afterFailure(cut())).isTrue();
        now.addAndGet(999_000_000L);
        assertThat(renewal.afterFailure(cut())).isFalse();
        now.addAndGet(1_000_000L);
        assertThat(renewal.afterFailure(cut())).isTrue();

        assertThat(renewals).hasValue(2);
    }

    @Test
    void shouldNotRenewWhenTheRequestGotNoSessionAtAll() {
        RuntimeException poolTimeout = new CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection",
                new SQLTransientConnectionException(
                        "hadr-db - Connection is not available, request timed out after 2000ms"));

        assertThat(renewal.afterFailure(poolTimeout)).isFalse();
        assertThat(renewals).hasValue(0);
        assertThat(renewal.afterFailure(cut()))
                .as("a session failure afterwards still renews")
                .isTrue();
    }
}
