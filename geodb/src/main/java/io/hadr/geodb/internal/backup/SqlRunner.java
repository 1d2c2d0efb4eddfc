package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.backup.QueryResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Runs one SQL statement for an operator, as the administrator, in the application's database,
 * on a port of 127.0.0.1 (a listener, a server of the group, a restored server), and returns its
 * rows as text: a way in without a PostgreSQL client or the credentials.
 */
public final class SqlRunner {

    /** The most rows returned; a statement yielding more says so in the error. */
    public static final int MAX_ROWS = 100_000;

    private static final int READ_TIMEOUT_SECONDS = 300;

    private SqlRunner() {}

    /**
     * @param port where to connect
     * @param server what the port leads to, for the result and messages
     * @throws GeoDbException with PostgreSQL's message when the statement fails
     */
    public static QueryResult run(int port, String server, String database, String password, String statement) {
        if (statement == null || statement.isBlank()) {
            throw new IllegalArgumentException("no SQL statement given");
        }
        Properties props = new Properties();
        props.setProperty("user", io.hadr.geodb.internal.AdminSql.ADMIN_USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", Integer.toString(READ_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "hadr-sql");
        // One statement as it is written: no prepared-statement parsing of '?' or ';' by the driver.
        props.setProperty("preferQueryMode", "simple");
        String command = statement.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
                Statement s = c.createStatement()) {
            s.setMaxRows(MAX_ROWS + 1);
            if (!s.execute(statement)) {
                return new QueryResult(command, List.of(), List.of(), (long) s.getUpdateCount(), server);
            }
            try (ResultSet rs = s.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i));
                }
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    if (rows.size() == MAX_ROWS) {
                        throw new GeoDbException(
                                "the statement returns more than " + MAX_ROWS + " rows; add a LIMIT or an aggregate");
                    }
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return new QueryResult(command, columns, rows, null, server);
            }
        } catch (SQLException e) {
            throw new GeoDbException("SQL on '" + server + "' failed: " + e.getMessage(), e);
        }
    }
}
