package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.geodb.backup.RestoreResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Helpers of the backup tests: rows with their exact commit times, and choosing a target between two commits. */
final class BackupHarness {

    private BackupHarness() {}

    /** A row of the records table and the time its transaction committed (pg_xact_commit_timestamp). */
    record Row(long id, Instant committed) {}

    /** Every record on the server behind {@code jdbcUrl} with its commit time, by id. */
    static NavigableMap<Long, Instant> rows(String jdbcUrl) throws SQLException {
        NavigableMap<Long, Instant> rows = new TreeMap<>();
        try (Connection c = GeoDbHarness.connect(jdbcUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, pg_xact_commit_timestamp(xmin) FROM records")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getTimestamp(2).toInstant());
            }
        }
        return rows;
    }

    /** The rows of a server of the group or a restore, read on its own port. */
    static NavigableMap<Long, Instant> rowsOn(GeoDatabase db, int port) throws SQLException {
        return rows("jdbc:postgresql://127.0.0.1:" + port + "/" + db.config().databaseName());
    }

    /**
     * A time strictly between two consecutive distinct commit times near the given fraction of
     * the rows, so that "committed at or before T" is a clean cut.
     */
    static Instant between(Map<Long, Instant> rows, double fraction) {
        List<Instant> times = new ArrayList<>(rows.values());
        times.sort(null);
        int i = Math.max(0, Math.min(times.size() - 2, (int) (times.size() * fraction)));
        while (i < times.size() - 1 && !times.get(i).isBefore(times.get(i + 1))) {
            i++;
        }
        Instant a = times.get(i);
        Instant b = times.get(i + 1);
        long gapMicros = (b.toEpochMilli() * 1000 + b.getNano() / 1000 % 1000)
                - (a.toEpochMilli() * 1000 + a.getNano() / 1000 % 1000);
        Instant t = a.plusNanos(Math.max(0, gapMicros / 2) * 1000);
        return t.isBefore(b) ? t : a;
    }

    /** Asserts that {@code restore} holds exactly the rows of {@code rows} committed at or before {@code t}. */
    static void assertRestoredExactly(GeoDatabase db, RestoreResult restore, Map<Long, Instant> rows, Instant t)
            throws SQLException {
        assertThat(rowsOn(db, restore.port())).containsExactlyEntriesOf(committedBy(rows, t));
    }

    /** The rows committed at or before {@code t}. */
    static NavigableMap<Long, Instant> committedBy(Map<Long, Instant> rows, Instant t) {
        NavigableMap<Long, Instant> expected = new TreeMap<>();
        rows.forEach((id, at) -> {
            if (!at.isAfter(t)) {
                expected.put(id, at);
            }
        });
        return expected;
    }
}
