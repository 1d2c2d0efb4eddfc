package io.hadr.app;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The records table: writes that are acknowledged only after commit, idempotent on the client's
 * id and carried across a database role switch, and reads of one writer's records streamed row
 * by row.
 */
class RecordStore {

    private static final Logger log = LoggerFactory.getLogger(RecordStore.class);

    /** A record as the database holds it; {@code committedAt} is the database's clock. */
    record StoredRecord(String id, String writer, long seq, String region, Instant committedAt) {}

    /** The outcome of a write: the stored record, and whether this request created it. */
    record WriteResult(StoredRecord record, boolean created) {}

    /** Receives rows one by one, so that a writer with a hundred thousand records never sits in memory. */
    @FunctionalInterface
    interface RowSink {
        void accept(StoredRecord record) throws IOException;
    }

    private static final String COLUMNS = "id, writer, seq, region, committed_at";
    private static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM records WHERE id = ?";
    // One statement, one round trip, committed on return (autocommit): a new row comes back; a
    // retry of an id that exists comes back empty and is looked up.
    private static final String INSERT_RETURNING = "INSERT INTO records (id, writer, seq, region) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING RETURNING " + COLUMNS;
    private static final RowMapper<StoredRecord> MAPPER = (rs, n) -> map(rs);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TransactionTemplate readOnly;
    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String region;
    private final SchemaMigrator schema;
    private final DatabaseMonitor monitor;
    private final DatabaseRetry retry;
    private final Duration awayAfter;
    private final SessionRenewal renewal;

    RecordStore(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            HikariDataSource dataSource,
            Dialect dialect,
            String region,
            SchemaMigrator schema,
            DatabaseMonitor monitor,
            DatabaseRetry retry,
            Duration awayAfter) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
        readOnly.setReadOnly(true);
        readOnly.setTimeout(120);
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.region = region;
        this.schema = schema;
        this.monitor = monitor;
        this.retry = retry;
        this.awayAfter = awayAfter;
        this.renewal = new SessionRenewal(
                () -> dataSource.getHikariPoolMXBean().softEvictConnections(), Duration.ofSeconds(1), System::nanoTime);
    }

    /**
     * Inserts the record and returns after the commit. A retry of the same id returns the stored
     * record with {@code created == false}; the same id with another writer or seq is a conflict.
     *
     * <p>A write caught by a role switch (its connection cut, the old primary read-only, no
     * connection while the listener holds new ones) is attempted again until the retry wait is
     * spent: the write is idempotent on its id, so a commit whose answer was lost comes back as
     * the stored record. A database that has not answered anyone (requests or the monitor's
     * checks, a second apart) for longer than {@code awayAfter} is away, not switching: a write
     * then stops waiting, and a new one gets one attempt and a fast 503.
     */
    WriteResult write(String id, String writer, long seq) {
        requireSchema();
        try {
            WriteResult result = retry.run(
                    () -> attemptWrite(id, writer, seq),
                    this::worthRetrying,
                    this::beforeRetry,
                    () -> monitor.silentFor().compareTo(awayAfter) <= 0);
            monitor.answered();
            return result;
        } catch (DatabaseRetry.GaveUpException e) {
            if (!isDatabaseFailure(e.last())) {
                throw e.last();
            }
            log.warn(
                    "write {} failed after {} attempt(s) in {} ms ({}): {}",
                    id,
                    e.attempts,
                    e.elapsed.toMillis(),
                    e.reason,
                    e.last().toString());
            throw switch (e.reason) {
                case NOT_WORTH_WAITING ->
                    unavailable(
                            "the database has not answered for "
                                    + seconds(monitor.silentFor().toMillis()),
                            e.last());
                case WAIT_SPENT ->
                    unavailable(
                            "the database did not take the write within " + seconds(e.elapsed.toMillis()) + " ("
                                    + e.attempts + " attempts)",
                            e.last());
                default -> unavailable("the database is unavailable", e.last());
            };
        }
    }

    private WriteResult attemptWrite(String id, String writer, long seq) {
        if (dialect == Dialect.POSTGRESQL) {
            List<StoredRecord> inserted = jdbc.query(INSERT_RETURNING, MAPPER, id, writer, seq, region);
            if (!inserted.isEmpty()) {
                return new WriteResult(inserted.get(0), true);
            }
            return existing(id, writer, seq);
        }
        try {
            StoredRecord stored = transactions.execute(tx -> {
                jdbc.update(
                        "INSERT INTO records (id, writer, seq, region) VALUES (?, ?, ?, ?)", id, writer, seq, region);
                return jdbc.queryForObject(SELECT_BY_ID, MAPPER, id);
            });
            return new WriteResult(stored, true);
        } catch (DuplicateKeyException e) {
            return existing(id, writer, seq);
        }
    }

    private WriteResult existing(String id, String writer, long seq) {
        StoredRecord existing = jdbc.queryForObject(SELECT_BY_ID, MAPPER, id);
        if (!existing.writer().equals(writer) || existing.seq() != seq) {
            throw new RecordConflictException(id, existing);
        }
        return new WriteResult(existing, false);
    }

    private boolean worthRetrying(RuntimeException e) {
        return isDatabaseFailure(e) && DatabaseFailures.isRoleSwitchFailure(e, dialect);
    }

    private void beforeRetry(RuntimeException failure, int attempt) {
        // After a switch, every pooled session may lead to the old primary (cut, or read-only
        // since promotion): renew them, once for all the requests that fail at that moment.
        renewal.afterFailure(failure);
    }

    /**
     * Streams a writer's records in sequence order, one consistent snapshot, and returns how many
     * were handed to the sink. A read caught by a role switch before its first row is attempted
     * again within the same wait as a write (nothing has been handed on, so nothing is repeated);
     * a failure after that, or once the wait is spent, throws: the caller decides what the client
     * sees, since only it knows what was sent already.
     */
    long streamByWriter(String writer, RowSink sink) {
        requireSchema();
        long[] count = {0};
        try {
            retry.run(
                    () -> readAll(writer, sink, count),
                    e -> count[0] == 0 && worthRetrying(e),
                    this::beforeRetry,
                    () -> monitor.silentFor().compareTo(awayAfter) <= 0);
        } catch (DatabaseRetry.GaveUpException gaveUp) {
            RuntimeException e = gaveUp.last();
            if (!isDatabaseFailure(e)) {
                throw e;
            }
            if (DatabaseFailures.isReadOnly(e, dialect)) {
                renewal.afterFailure(e);
            }
            log.warn(
                    "read of writer {} failed after {} row(s) and {} attempt(s) in {} ms ({}): {}",
                    writer,
                    count[0],
                    gaveUp.attempts,
                    gaveUp.elapsed.toMillis(),
                    gaveUp.reason,
                    e.toString());
            throw unavailable("the database is unavailable", e);
        }
        monitor.answered();
        return count[0];
    }

    /** One attempt at the read: every row to the sink, counted in {@code count[0]}. */
    private Void readAll(String writer, RowSink sink, long[] count) {
        boolean[] allRead = {false};
        try {
            readOnly.executeWithoutResult(tx -> {
                jdbc.query(
                        connection -> {
                            PreparedStatement statement = connection.prepareStatement(
                                    "SELECT " + COLUMNS + " FROM records WHERE writer = ? ORDER BY seq, id",
                                    ResultSet.TYPE_FORWARD_ONLY,
                                    ResultSet.CONCUR_READ_ONLY);
                            // Inside a transaction, pgjdbc fetches through a cursor in batches of this size.
                            statement.setFetchSize(1000);
                            statement.setString(1, writer);
                            return statement;
                        },
                        rs -> {
                            try {
                                sink.accept(map(rs));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            count[0]++;
                        });
                allRead[0] = true;
            });
        } catch (RuntimeException e) {
            if (!allRead[0]) {
                throw e;
            }
            // Every row came from one snapshot and reached the sink; only ending the read-only
            // transaction failed (a role switch cut the session), and it had nothing to make durable.
            log.debug("read of writer {} was whole; ending its transaction failed: {}", writer, e.toString());
        }
        return null;
    }

    private void requireSchema() {
        if (!schema.ready()) {
            throw new DatabaseUnavailableException("the database schema is not ready yet: " + schema.lastError());
        }
    }

    private static boolean isDatabaseFailure(RuntimeException e) {
        return e instanceof DataAccessException || e instanceof TransactionException;
    }

    private DatabaseUnavailableException unavailable(String what, RuntimeException e) {
        if (DatabaseFailures.isReadOnly(e, dialect)) {
            return new DatabaseUnavailableException(
                    what + ": the database answered read-only (a failover is in"
                            + " progress or just happened); connections are being renewed",
                    e);
        }
        return new DatabaseUnavailableException(what + ": " + DatabaseFailures.describe(e), e);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static StoredRecord map(ResultSet rs) throws SQLException {
        return new StoredRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }

    /** The database cannot serve the request now; retrying later may succeed (HTTP 503). */
    static final class DatabaseUnavailableException extends RuntimeException {
        DatabaseUnavailableException(String message) {
            super(message);
        }

        DatabaseUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The id is taken by a different record (HTTP 409). */
    static final class RecordConflictException extends RuntimeException {
        RecordConflictException(String id, StoredRecord existing) {
            super("id '" + id + "' already holds writer '" + existing.writer() + "' seq " + existing.seq()
                    + "; a retry must send the same writer and seq");
        }
    }
}
