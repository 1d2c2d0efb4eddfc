package io.hadr.app;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The records table: writes that are acknowledged only after commit, idempotent on the client's
 * id, and reads of one writer's records streamed row by row.
 */
class RecordStore {

    /** A record as the database holds it; {@code committedAt} is the database's clock. */
    record StoredRecord(String id, String writer, long seq, String region, Instant committedAt) {}

    /** The outcome of a write: the stored record, and whether this request created it. */
    record WriteResult(StoredRecord record, boolean created) {}

    /** Receives rows one by one, so that a writer with a hundred thousand records never sits in memory. */
    @FunctionalInterface
    interface RowSink {
        void accept(StoredRecord record) throws java.io.IOException;
    }

    private static final String COLUMNS = "id, writer, seq, region, committed_at";
    private static final RowMapper<StoredRecord> MAPPER = (rs, n) -> map(rs);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String region;
    private final SchemaMigrator schema;

    RecordStore(JdbcTemplate jdbc, TransactionTemplate transactions, HikariDataSource dataSource, Dialect dialect,
                String region, SchemaMigrator schema) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.region = region;
        this.schema = schema;
    }

    /**
     * Inserts the record and returns after the commit. A retry of the same id returns the stored
     * record with {@code created == false}; the same id with another writer or seq is a conflict.
     */
    WriteResult write(String id, String writer, long seq) {
        requireSchema();
        try {
            return insert(id, writer, seq);
        } catch (DataAccessException | TransactionException first) {
            if (!isStaleConnection(first)) {
                throw unavailable(first);
            }
            // A connection the pool handed out was cut by a failover (or leads to a server that is
            // read-only now). The write is idempotent on its id, so one retry on a fresh
            // connection is safe and spares the client a 503 once the new primary serves.
            dataSource.getHikariPoolMXBean().softEvictConnections();
            try {
                return insert(id, writer, seq);
            } catch (DataAccessException | TransactionException second) {
                throw unavailable(second);
            }
        }
    }

    private WriteResult insert(String id, String writer, long seq) {
        try {
            StoredRecord stored = transactions.execute(tx -> {
                jdbc.update("INSERT INTO records (id, writer, seq, region) VALUES (?, ?, ?, ?)", id, writer, seq, region);
                return jdbc.queryForObject("SELECT " + COLUMNS + " FROM records WHERE id = ?", MAPPER, id);
            });
            return new WriteResult(stored, true);
        } catch (DuplicateKeyException e) {
            StoredRecord existing = guarded(() -> jdbc.queryForObject("SELECT " + COLUMNS + " FROM records WHERE id = ?", MAPPER, id));
            if (!existing.writer().equals(writer) || existing.seq() != seq) {
                throw new RecordConflictException(id, existing);
            }
            return new WriteResult(existing, false);
        }
    }

    /**
     * Whether the failure came from a pooled connection that no longer leads to a writable
     * primary: cut (SQLState class 08, PostgreSQL's 57P01–57P03 shutdown codes) or read-only.
     * When the rollback after such a failure fails too (the pool already closed the connection),
     * Spring reports the rollback's failure and keeps the first one aside: look at both.
     */
    private boolean isStaleConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransactionSystemException tx && tx.getOriginalException() != null
                    && tx.getOriginalException() != t && isStaleConnection(tx.getOriginalException())) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || dialect.isReadOnlyError(sql)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Streams a writer's records in sequence order. */
    void streamByWriter(String writer, RowSink sink) {
        requireSchema();
        try {
            TransactionTemplate readOnly = new TransactionTemplate(transactions.getTransactionManager());
            readOnly.setReadOnly(true);
            readOnly.setTimeout(120);
            readOnly.executeWithoutResult(tx -> jdbc.query(connection -> {
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM records WHERE writer = ? ORDER BY seq, id",
                        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                // Inside a transaction, pgjdbc fetches through a cursor in batches of this size.
                statement.setFetchSize(1000);
                statement.setString(1, writer);
                return statement;
            }, rs -> {
                try {
                    sink.accept(map(rs));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        } catch (DataAccessException | TransactionException e) {
            throw unavailable(e);
        }
    }

    private void requireSchema() {
        if (!schema.ready()) {
            throw new DatabaseUnavailableException("the database schema is not ready yet: " + schema.lastError());
        }
    }

    private <T> T guarded(java.util.function.Supplier<T> query) {
        try {
            return query.get();
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    private DatabaseUnavailableException unavailable(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && dialect.isReadOnlyError(sql)) {
                // After a failover, sessions opened before the promotion stay read-only: drop them all.
                dataSource.getHikariPoolMXBean().softEvictConnections();
                return new DatabaseUnavailableException("the database answered read-only (a failover is in progress"
                        + " or just happened); connections are being renewed", e);
            }
        }
        return new DatabaseUnavailableException("the database is unavailable: " + SchemaMigrator.rootMessage(e), e);
    }

    private static StoredRecord map(ResultSet rs) throws SQLException {
        return new StoredRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
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
