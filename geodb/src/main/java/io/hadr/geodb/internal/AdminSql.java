package io.hadr.geodb.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The administrator's SQL to one server over loopback TCP. Every connection has a deadline for
 * connecting, logging in and each read, so that a server that stopped answering (SIGSTOP, an
 * overloaded machine) makes a call fail instead of hang.
 */
public final class AdminSql {

    public static final String ADMIN_USER = "postgres";
    /** The {@code application_name} of hadr's own sessions, which a planned failover leaves alone. */
    public static final String ADMIN_APPLICATION = "hadr-geodb";
    /** Read deadline of ordinary statements; long ones (promotion, base backup) pass their own. */
    private static final int DEFAULT_TIMEOUT_SECONDS = 3;

    /** Maps a result row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final int port;
    private final String password;

    public AdminSql(int port, String password) {
        this.port = port;
        this.password = password;
    }

    /** A connection whose reads may take up to 120 s (base backups, promotion). */
    public Connection connect(String database, int timeoutSeconds) throws SQLException {
        return connect(database, timeoutSeconds, Math.max(timeoutSeconds, 120));
    }

    /** A connection with deadlines for connecting and logging in, and for each read. */
    public Connection connect(String database, int timeoutSeconds, int readTimeoutSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ADMIN_USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("socketTimeout", Integer.toString(readTimeoutSeconds));
        props.setProperty("ApplicationName", ADMIN_APPLICATION);
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    /** Runs one query and maps its first row (null when there is none), within {@code timeoutSeconds} per step. */
    public <T> T queryOne(String sql, int timeoutSeconds, RowMapper<T> mapper) throws SQLException {
        try (Connection c = connect("postgres", timeoutSeconds, timeoutSeconds);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? mapper.map(rs) : null;
        }
    }

    /** {@link #queryOne(String, int, RowMapper)} with the default deadline. */
    public <T> T queryOne(String sql, RowMapper<T> mapper) throws SQLException {
        return queryOne(sql, DEFAULT_TIMEOUT_SECONDS, mapper);
    }

    /** Runs statements in one session. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect("postgres", DEFAULT_TIMEOUT_SECONDS);
                Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /**
     * One session for a series of statements, e.g. the polling of a failover: a new login per
     * statement costs a SCRAM exchange each time, which adds up on a busy machine.
     */
    public Session session(int timeoutSeconds, int readTimeoutSeconds) throws SQLException {
        return new Session(connect("postgres", timeoutSeconds, readTimeoutSeconds));
    }

    /** An open administrator session; closing it closes the connection. */
    public static final class Session implements AutoCloseable {
        private final Connection connection;

        private Session(Connection connection) {
            this.connection = connection;
        }

        public <T> T queryOne(String sql, RowMapper<T> mapper) throws SQLException {
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? mapper.map(rs) : null;
            }
        }

        public void execute(String... sql) throws SQLException {
            try (Statement s = connection.createStatement()) {
                for (String statement : sql) {
                    s.execute(statement);
                }
            }
        }

        public Long replayLsn() throws SQLException {
            return Lsn.parse(queryOne("SELECT pg_last_wal_replay_lsn()::text", rs -> rs.getString(1)));
        }

        public boolean inRecovery() throws SQLException {
            return Boolean.TRUE.equals(queryOne("SELECT pg_is_in_recovery()", rs -> rs.getBoolean(1)));
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // The server may be gone (shut down, promoted and restarted): nothing to close.
            }
        }
    }

    /** Whether the server answers {@code SELECT 1} within {@code timeoutSeconds}. */
    public boolean answers(int timeoutSeconds) {
        try {
            return queryOne("SELECT 1", timeoutSeconds, rs -> Boolean.TRUE) != null;
        } catch (SQLException e) {
            return false;
        }
    }

    public boolean inRecovery() throws SQLException {
        return Boolean.TRUE.equals(queryOne("SELECT pg_is_in_recovery()", rs -> rs.getBoolean(1)));
    }

    /** On a primary: the current write position. */
    public long currentLsn() throws SQLException {
        return Lsn.parse(queryOne("SELECT pg_current_wal_lsn()::text", rs -> rs.getString(1)));
    }

    /** On a standby: the last replayed position (null before any replay). */
    public Long replayLsn() throws SQLException {
        return Lsn.parse(queryOne("SELECT pg_last_wal_replay_lsn()::text", rs -> rs.getString(1)));
    }

    /** On a standby: whether its WAL receiver streams from the primary. */
    public boolean streaming() throws SQLException {
        return Boolean.TRUE.equals(
                queryOne("SELECT status = 'streaming' FROM pg_stat_wal_receiver", rs -> rs.getBoolean(1)));
    }

    /** Asks the server to re-read its configuration files. */
    public void reload() throws SQLException {
        execute("SELECT pg_reload_conf()");
    }
}
