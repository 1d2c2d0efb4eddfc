package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turning a standby into the primary: {@code pg_promote()}, then the primary's configuration and a slot for the next standby. */
public final class Promotion {

    private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);
    private static final Duration POLL = Duration.ofMillis(10);

    private Promotion() {}

    /** Promotes {@code server} and waits until it has left recovery. */
    public static void promote(PostgresServer server, Duration timeout) {
        try (AdminSql.Session session = server.sql().session(5, 30)) {
            promote(session, server, timeout);
        } catch (SQLException e) {
            throw failed(server, e);
        }
    }

    /** Promotes {@code server} through an open session and waits until it has left recovery. */
    public static void promote(AdminSql.Session session, PostgresServer server, Duration timeout) {
        try {
            // Without waiting inside PostgreSQL, which checks only every 100 ms: polled here instead.
            Boolean signalled = session.queryOne("SELECT pg_promote(false)", rs -> rs.getBoolean(1));
            if (!Boolean.TRUE.equals(signalled)) {
                throw new GeoDbException("pg_promote() on '" + server.name() + "' returned false");
            }
            Deadline.await(
                    "'" + server.name() + "' to leave recovery",
                    timeout,
                    POLL,
                    () -> session.inRecovery() ? null : Boolean.TRUE,
                    () -> "still in recovery");
        } catch (SQLException e) {
            throw failed(server, e);
        }
    }

    private static GeoDbException failed(PostgresServer server, SQLException e) {
        return new GeoDbException(
                "promotion of '" + server.name() + "' failed: " + e.getMessage() + "; last lines of "
                        + server.files().logFile() + ":\n" + server.files().logTail(10),
                e);
    }

    /**
     * The promoted server's configuration as a primary (asynchronous until its secondary streams),
     * and a replication slot for the server that is to follow it.
     */
    public static void configureNewPrimary(PostgresServer newPrimary, PostgresServer futureStandby, SyncCommit sync) {
        sync.reset();
        newPrimary.writeConfig(RoleSettings.primary(null, false));
        reloadQuietly(newPrimary);
        try {
            Seeding.ensureSlot(newPrimary, futureStandby.slotName());
        } catch (GeoDbException e) {
            LOG.warn(
                    "Could not create the replication slot for '{}' on '{}': {}",
                    futureStandby.name(),
                    newPrimary.name(),
                    e.getMessage());
        }
    }

    static void reloadQuietly(PostgresServer server) {
        try {
            server.sql().reload();
        } catch (SQLException e) {
            LOG.warn("Could not reload the configuration of '{}': {}", server.name(), e.getMessage());
        }
    }
}
