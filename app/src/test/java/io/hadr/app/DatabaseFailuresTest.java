package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseFailuresTest {

    private static final Dialect PG = Dialect.POSTGRESQL;

    @Test
    void aCutConnectionAShutdownAReadOnlyServerAndAnEmptyPoolAreRoleSwitchFailures() {
        assertThat(DatabaseFailures.isRoleSwitchFailure(
                        new DataAccessResourceFailureException("x", new SQLException("I/O error", "08006")), PG))
                .isTrue();
        assertThat(DatabaseFailures.isRoleSwitchFailure(
                        new DataAccessResourceFailureException(
                                "x", new SQLException("terminating connection", "57P01")),
                        PG))
                .isTrue();
        assertThat(DatabaseFailures.isRoleSwitchFailure(
                        new DataAccessResourceFailureException("x", new SQLException("read-only transaction", "25006")),
                        PG))
                .isTrue();
        assertThat(DatabaseFailures.isRoleSwitchFailure(
                        new CannotGetJdbcConnectionException("x", new SQLTransientConnectionException("timed out")),
                        PG))
                .isTrue();
        TransactionSystemException rollbackFailed = new TransactionSystemException("rollback failed");
        rollbackFailed.initApplicationException(
                new DataAccessResourceFailureException("x", new SQLException("cut", "08003")));
        assertThat(DatabaseFailures.isRoleSwitchFailure(rollbackFailed, PG)).isTrue();
    }

    @Test
    void constraintAndSyntaxErrorsAreNot() {
        assertThat(DatabaseFailures.isRoleSwitchFailure(
                        new DuplicateKeyException("x", new SQLException("duplicate key", "23505")), PG))
                .isFalse();
        assertThat(DatabaseFailures.isRoleSwitchFailure(
                        new DataAccessResourceFailureException("x", new SQLException("syntax", "42601")), PG))
                .isFalse();
    }

    @Test
    void azureSqlTransientErrorsAreRoleSwitchFailuresThere() {
        SQLException notAvailable = new SQLException("Database is not currently available", "S0001", 40613);

        assertThat(DatabaseFailures.isRoleSwitchFailure(notAvailable, Dialect.SQLSERVER))
                .isTrue();
        assertThat(DatabaseFailures.isRoleSwitchFailure(notAvailable, PG)).isFalse();
    }

    @Test
    void describesInWordsWithoutClassNames() {
        SQLException io =
                new SQLException("An I/O error occurred while sending to the backend.", "08006", new EOFException());
        SQLException refused = new SQLException(
                "Connection to 127.0.0.1:5443 refused.", "08001", new ConnectException("Connection refused"));

        assertThat(DatabaseFailures.describe(
                        new DataAccessResourceFailureException("PreparedStatementCallback; SQL [INSERT]", io)))
                .isEqualTo(
                        "An I/O error occurred while sending to the backend. (the connection was closed by the other end)");
        assertThat(DatabaseFailures.describe(new CannotGetJdbcConnectionException(
                        "Failed to obtain JDBC Connection",
                        new SQLTransientConnectionException(
                                "hadr-db - Connection is not available", "08001", refused))))
                .isEqualTo("Connection to 127.0.0.1:5443 refused. (Connection refused)");
        assertThat(DatabaseFailures.describe(new IllegalStateException(new EOFException())))
                .isEqualTo("the connection was closed by the other end");
        assertThat(DatabaseFailures.describe(new RuntimeException("java.net.SocketException: Connection reset")))
                .isEqualTo("Connection reset");
        assertThat(DatabaseFailures.describe(new RuntimeException())).isEqualTo("no details (the app's log has them)");
    }
}
