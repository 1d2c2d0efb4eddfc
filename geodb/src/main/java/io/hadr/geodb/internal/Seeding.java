package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Making a server the primary's streaming standby: resuming one that has its data, or reseeding
 * one from a fresh base backup (the first seed, a fenced former primary, a secondary that cannot
 * stream any more; {@code pg_rewind} is not in the bundle).
 */
public final class Seeding {

    private final GroupContext context;

    public Seeding(GroupContext context) {
        this.context = context;
    }

    /** Starts {@code standby} with its own data, following {@code primary}, and waits until it streams. */
    public void resumeStandby(PostgresServer standby, PostgresServer primary) {
        Duration startup = context.config().timeouts().startup();
        if (primary.state() == ServerState.RUNNING) {
            ensureSlot(primary, standby.slotName());
        }
        standby.writeConfig(context.standbyOf(standby, primary));
        standby.start(startup, "resuming as secondary of '" + primary.name() + "'");
        if (primary.state() == ServerState.RUNNING) {
            try {
                awaitStreaming(standby, startup);
            } catch (GeoDbException e) {
                standby.stop(context.config().timeouts().shutdown(), "cannot stream");
                throw e;
            }
        }
    }

    /**
     * Replaces {@code server}'s data with a fresh base backup of {@code primary} and starts it as
     * the secondary. The server is RESEEDING (and marked fenced on disk) until it streams; if
     * the reseed fails it is FENCED, so it is never started on half-copied data.
     */
    public void reseed(PostgresServer server, PostgresServer primary, String why) {
        if (primary.state() != ServerState.RUNNING) {
            throw new GeoDbException(
                    "cannot reseed '" + server.name() + "' (" + why + "): it needs a base backup of the " + "primary '"
                            + primary.name() + "', which is " + primary.state() + "; bring the primary up first");
        }
        FailoverGroup group = context.group();
        server.files().markFenced("reseeding: " + why);
        group.moveRole(server, ServerRole.RESEEDING, why);
        Duration startup = context.config().timeouts().startup();
        try {
            if (server.processAlive()) {
                server.kill("its data is replaced by a reseed");
            }
            server.markStopped("reseeding");
            server.files().prepareDirectories();
            server.files().wipeData();
            BaseBackup.copy(primary, server, context.routes());
            server.writeConfig(context.standbyOf(server, primary));
            server.files().prepareDirectories();
            server.start(startup, "reseeded from '" + primary.name() + "'");
            awaitStreaming(server, startup);
        } catch (RuntimeException e) {
            if (server.processAlive()) {
                server.kill("reseed failed");
            }
            group.moveRole(server, ServerRole.FENCED, "reseed failed: " + e.getMessage());
            throw e;
        }
        group.moveRole(server, ServerRole.SECONDARY, "reseeded from '" + primary.name() + "'");
        server.files().clearFencedMarker();
    }

    /** Waits until {@code standby}'s WAL receiver streams; fails at once when its process exits. */
    public void awaitStreaming(PostgresServer standby, Duration timeout) {
        Deadline.await(
                "'" + standby.name() + "' to stream from the primary",
                timeout,
                Duration.ofMillis(50),
                () -> {
                    if (!standby.processAlive()) {
                        throw new GeoDbException("'" + standby.name() + "' exited; last lines of "
                                + standby.files().logFile() + ":\n"
                                + standby.files().logTail(10));
                    }
                    return standby.sql().streaming() ? Boolean.TRUE : null;
                },
                () -> "log " + standby.files().logFile() + ":\n"
                        + standby.files().logTail(5));
    }

    /** Creates the standby's replication slot on the primary unless it exists. */
    public static void ensureSlot(PostgresServer primary, String slot) {
        try (Connection c = primary.sql().connect("postgres", 5);
                Statement s = c.createStatement()) {
            BaseBackup.ensureSlot(s, slot);
        } catch (SQLException e) {
            throw new GeoDbException(
                    "cannot create the replication slot " + slot + " on '" + primary.name() + "': " + e.getMessage(),
                    e);
        }
    }
}
