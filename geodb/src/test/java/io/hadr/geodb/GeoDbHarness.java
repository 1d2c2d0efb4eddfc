package io.hadr.geodb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/** Shared set-up of the integration tests: configs, SQL helpers. */
final class GeoDbHarness {

    static final String CENTRAL = "centralindia";
    static final String SOUTH = "southindia";

    private GeoDbHarness() {}

    /**
     * A data root inside a JUnit temp dir. JUnit creates it 0700; when the tests run as root,
     * PostgreSQL runs as 'nobody' and must traverse it.
     */
    static Path dataRoot(Path tempDir) throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
        return tempDir.resolve("db");
    }

    /** Two servers on free ports, generous timeouts for a shared 2-core machine. */
    static GeoDbConfig.Builder config(Path tempDir) throws IOException {
        return GeoDbConfig.custom()
                .dataRoot(dataRoot(tempDir))
                .server(CENTRAL, 0)
                .server(SOUTH, 0)
                .initialPrimary(CENTRAL)
                .password("s3cret'pw")
                .startupTimeout(Duration.ofSeconds(120))
                .plannedFailoverTimeout(Duration.ofSeconds(30))
                .healthCheckInterval(Duration.ofMillis(200));
    }

    static Connection connect(String jdbcUrl) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "hadr");
        props.setProperty("password", "s3cret'pw");
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", "20");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    static void createTable(GeoDatabase db) throws SQLException {
        try (Connection c = connect(db.readWriteListener().jdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS records (id bigint PRIMARY KEY, writer text NOT NULL, "
                    + "committed_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }

    static void insert(String jdbcUrl, long... ids) throws SQLException {
        try (Connection c = connect(jdbcUrl);
                PreparedStatement ps = c.prepareStatement("INSERT INTO records (id, writer) VALUES (?, 'test')")) {
            for (long id : ids) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        }
    }

    static Set<Long> ids(String jdbcUrl) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = connect(jdbcUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM records")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** The ids on a server, read over its own port rather than a listener. */
    static Set<Long> idsOn(GeoDatabase db, String server) throws SQLException {
        return ids("jdbc:postgresql://127.0.0.1:" + db.port(server) + "/"
                + db.config().databaseName());
    }

    static boolean inRecovery(String jdbcUrl) throws SQLException {
        try (Connection c = connect(jdbcUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static List<Long> range(long fromInclusive, long toExclusive) {
        List<Long> list = new ArrayList<>();
        for (long i = fromInclusive; i < toExclusive; i++) {
            list.add(i);
        }
        return list;
    }

    /** Whether a process id is still a live (not zombie) process. */
    static boolean alive(long pid) {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String text = Files.readString(stat);
            // "pid (comm) S ..." — the state follows the closing parenthesis of the command name.
            char processState = text.charAt(text.lastIndexOf(')') + 2);
            return processState != 'Z' && processState != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
