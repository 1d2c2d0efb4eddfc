package io.hadr.app;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What differs between the two databases the app runs on: PostgreSQL locally, Azure SQL on Azure.
 * Everything else is plain JDBC.
 */
enum Dialect {
    POSTGRESQL(
            "postgresql",
            "SELECT CASE WHEN pg_is_in_recovery() THEN 'secondary' ELSE 'primary' END, current_setting('cluster_name')"),
    SQLSERVER(
            "sqlserver",
            "SELECT CASE WHEN CAST(DATABASEPROPERTYEX(DB_NAME(), 'Updateability') AS NVARCHAR(20)) = 'READ_WRITE'"
                    + " THEN 'primary' ELSE 'secondary' END, CAST(@@SERVERNAME AS NVARCHAR(128))");

    private final String flywayFolder;
    private final String roleQuery;

    Dialect(String flywayFolder, String roleQuery) {
        this.flywayFolder = flywayFolder;
        this.roleQuery = roleQuery;
    }

    static Dialect fromJdbcUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (lower.startsWith("jdbc:sqlserver:")) {
            return SQLSERVER;
        }
        throw new IllegalArgumentException("HADR_DB_URL must be a PostgreSQL (jdbc:postgresql:) or Azure SQL"
                + " (jdbc:sqlserver:) JDBC URL, but starts with '" + url.substring(0, Math.min(url.length(), 20))
                + "'");
    }

    /**
     * The driver property that bounds how long one read from the server may block, in the
     * driver's unit: a server that hangs (stopped, partitioned without a reset) would otherwise
     * hold a request thread forever, because a query timeout's cancel needs the server to answer.
     */
    Map.Entry<String, String> socketTimeout(Duration timeout) {
        return switch (this) {
            case POSTGRESQL -> Map.entry("socketTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
            case SQLSERVER -> Map.entry("socketTimeout", Long.toString(timeout.toMillis()));
        };
    }

    String flywayLocation() {
        return "classpath:db/migration/" + flywayFolder;
    }

    /** Returns the role ('primary' or 'secondary') and the server's name, in that order. */
    String roleQuery() {
        return roleQuery;
    }

    /**
     * Whether a failure means "this connection leads to a read-only server": after a failover, a
     * session opened before promotion stays read-only, so the pool must drop it.
     */
    boolean isReadOnlyError(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (this == POSTGRESQL && "25006".equals(s.getSQLState())) {
                return true;
            }
            // 3906: failed to update database because the database is read-only (geo-secondary).
            if (this == SQLSERVER && s.getErrorCode() == 3906) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the server says it cannot serve this session now but another attempt may succeed:
     * PostgreSQL's shutdown and cannot-connect-now codes (57P01-57P03: a server stopping, crashing
     * or starting up), and the errors Microsoft lists as transient for Azure SQL (a database
     * moving during a failover or reconfiguration: 40613, 40197, 40501, 49918-49920, 4060, 4221,
     * 40143, 40540, 42108, 42109).
     */
    boolean isTransientServerError(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState() == null ? "" : s.getSQLState();
            if (this == POSTGRESQL && (state.equals("57P01") || state.equals("57P02") || state.equals("57P03"))) {
                return true;
            }
            if (this == SQLSERVER && AZURE_SQL_TRANSIENT.contains(s.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    private static final Set<Integer> AZURE_SQL_TRANSIENT =
            Set.of(4060, 4221, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920);
}
