package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverPhase;
import io.hadr.geodb.FailoverRefusedException;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure's planned {@code failover}: stop writes, wait for the secondary to replay all of them,
 * stop the old primary cleanly, promote, release the held connections to the new primary, and let
 * the old primary follow the new timeline. Zero acknowledged writes are lost: every commit
 * acknowledged before writes stopped is at or before the position the secondary must replay
 * before it is promoted.
 *
 * <p>No client has to see it: the read-write listener holds new connections for the whole switch
 * and releases them to the new primary; open connections are cut only between transactions, so a
 * transaction in flight when it begins still commits on the old primary.
 */
public final class PlannedFailover {

    private static final Logger LOG = LoggerFactory.getLogger(PlannedFailover.class);
    private static final Duration POLL = Duration.ofMillis(10);
    /** How long transactions in flight may take to finish before their connections are cut anyway. */
    private static final Duration DRAIN = Duration.ofSeconds(1);

    private final GroupContext context;
    private final Seeding seeding;
    private final SyncCommit sync;

    public PlannedFailover(GroupContext context, Seeding seeding, SyncCommit sync) {
        this.context = context;
        this.seeding = seeding;
        this.sync = sync;
    }

    /**
     * Runs it; the caller checked that the old primary answers and the new one streams.
     *
     * @throws FailoverRefusedException when writes cannot be stopped or the secondary does not
     *     catch up in time; then writes are resumed on the old primary and nothing changed
     */
    public void run(PostgresServer oldPrimary, PostgresServer newPrimary, Steps steps) {
        Duration timeout = context.config().timeouts().plannedFailover();
        long deadline = System.nanoTime() + timeout.toNanos();
        int readTimeout = (int) Math.max(5, timeout.toSeconds() + 5);
        try (AdminSql.Session newSession = newPrimary.sql().session(5, readTimeout)) {
            run(oldPrimary, newPrimary, newSession, steps, timeout, deadline, readTimeout);
        } catch (SQLException e) {
            throw FailoverRefusedException.noSecondary(newPrimary.name(), "it does not answer: " + e.getMessage());
        }
    }

    private void run(
            PostgresServer oldPrimary,
            PostgresServer newPrimary,
            AdminSql.Session newSession,
            Steps steps,
            Duration timeout,
            long deadline,
            int readTimeout) {
        Listeners listeners = context.listeners();
        String why = "planned failover to '" + newPrimary.name() + "'";
        AdminSql.Session oldSession;
        try {
            oldSession = oldPrimary.sql().session(5, readTimeout);
        } catch (SQLException e) {
            throw FailoverRefusedException.primaryUnreachable(oldPrimary.name(), e);
        }
        try {
            // While clients still write: the shutdown checkpoint later, with the listener held, then
            // has little left to write. Only a shortcut: the failover goes on without it.
            oldSession.execute("CHECKPOINT");
        } catch (SQLException e) {
            LOG.warn("CHECKPOINT before the planned failover failed on '{}': {}", oldPrimary.name(), e.getMessage());
        }

        // 1. Stop writes: the listener holds new connections and drains the open ones, the primary
        //    refuses new read-write transactions and any other client session is terminated.
        long target;
        try (oldSession) {
            listeners.hold(listeners.readWrite(), min(DRAIN, timeout.dividedBy(4)), why);
            try {
                oldPrimary.writeConfig(RoleSettings.primary(sync.standbyName(), true));
                oldSession.execute(
                        "SELECT pg_reload_conf()",
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> '"
                                + AdminSql.ADMIN_APPLICATION + "'");
                target = Lsn.parse(oldSession.queryOne("SELECT pg_current_wal_lsn()::text", rs -> rs.getString(1)));
            } catch (SQLException | RuntimeException e) {
                resumeWrites(oldPrimary);
                throw FailoverRefusedException.primaryUnreachable(oldPrimary.name(), e);
            }
        }
        steps.done(FailoverPhase.WRITES_STOPPED);

        // 2. The secondary replays everything up to the last write.
        try {
            Deadline.await(
                    "'" + newPrimary.name() + "' to replay up to " + Lsn.format(target),
                    remaining(deadline),
                    POLL,
                    () -> {
                        Long replayed = newSession.replayLsn();
                        return replayed != null && replayed >= target ? Boolean.TRUE : null;
                    },
                    () -> "replayed " + safeReplayLsn(newPrimary));
        } catch (GeoDbException e) {
            resumeWrites(oldPrimary);
            throw FailoverRefusedException.catchUpTimedOut(
                    newPrimary.name(),
                    timeout,
                    "primary at " + Lsn.format(target) + ", secondary replayed " + safeReplayLsn(newPrimary),
                    e);
        }
        steps.done(FailoverPhase.SECONDARY_CAUGHT_UP);

        // 3. Stop the old primary cleanly: its shutdown checkpoint is streamed to the secondary,
        //    after which the old primary can follow the new timeline without a reseed.
        listeners.hold(listeners.readOnly(), Duration.ZERO, why);
        oldPrimary.stop(context.config().timeouts().shutdown(), "planned failover");
        boolean canFollow = false;
        try {
            ControlFile control = ControlFile.read(oldPrimary.files().dataDir());
            if (control.cleanlyShutDown()) {
                Deadline.await(
                        "'" + newPrimary.name() + "' to replay the shutdown checkpoint of '" + oldPrimary.name()
                                + "' at " + Lsn.format(control.checkpointLsn()),
                        Duration.ofSeconds(5),
                        POLL,
                        () -> {
                            Long replayed = newSession.replayLsn();
                            return replayed != null && replayed > control.checkpointLsn() ? Boolean.TRUE : null;
                        },
                        () -> "replayed " + safeReplayLsn(newPrimary));
                canFollow = true;
            }
        } catch (IOException | GeoDbException e) {
            LOG.warn(
                    "'{}' will be reseeded instead of following the new timeline: {}",
                    oldPrimary.name(),
                    e.getMessage());
        }
        steps.done(FailoverPhase.OLD_PRIMARY_STOPPED);

        // 4. Promote, and save the roles before anyone can write, so a restart resumes the new roles.
        try {
            Promotion.promote(
                    newSession, newPrimary, context.config().timeouts().startup());
        } catch (RuntimeException e) {
            // Which server would accept writes is unknown now: lead nowhere rather than risk two
            // primaries, and let the operator decide (forced failover, or bring the old one up).
            listeners.clear(listeners.readWrite(), "planned failover: promotion failed");
            listeners.clear(listeners.readOnly(), "planned failover: promotion failed");
            throw new GeoDbException(
                    "planned failover: writes were stopped and '" + oldPrimary.name()
                            + "' was shut down, but promoting '" + newPrimary.name() + "' failed: " + e.getMessage()
                            + "; both listeners lead nowhere until a forced failover or bringUp(\"" + oldPrimary.name()
                            + "\")",
                    e);
        }
        if (!canFollow) {
            oldPrimary.files().markFenced("planned failover: did not stop cleanly enough to follow the new timeline");
        }
        Map<PostgresServer, ServerRole> roles = new LinkedHashMap<>();
        roles.put(newPrimary, ServerRole.PRIMARY);
        roles.put(oldPrimary, canFollow ? ServerRole.SECONDARY : ServerRole.FENCED);
        context.group()
                .moveRoles(
                        canFollow
                                ? "planned failover: the old primary follows the new one"
                                : "planned failover: the old primary must be reseeded to follow the new one",
                        roles);
        steps.done(FailoverPhase.PROMOTED);

        // 5. Release the held connections to the new primary, then finish its configuration.
        listeners.point(listeners.readWrite(), newPrimary, "planned failover");
        steps.done(FailoverPhase.LISTENERS_MOVED);
        Promotion.configureNewPrimary(newPrimary, oldPrimary, sync);

        // 6. The old primary becomes the secondary.
        rejoin(oldPrimary, newPrimary, canFollow, steps);
    }

    private void resumeWrites(PostgresServer primary) {
        try {
            primary.writeConfig(RoleSettings.primary(sync.standbyName(), false));
            primary.sql().reload();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not re-enable writes on '{}': {}", primary.name(), e.getMessage());
        }
        Listeners listeners = context.listeners();
        listeners.point(listeners.readWrite(), primary, "planned failover abandoned");
    }

    private void rejoin(PostgresServer oldPrimary, PostgresServer newPrimary, boolean canFollow, Steps steps) {
        Listeners listeners = context.listeners();
        Duration startup = context.config().timeouts().startup();
        try {
            if (canFollow) {
                try {
                    oldPrimary.files().dropLocalSlots();
                    oldPrimary.writeConfig(context.standbyOf(oldPrimary, newPrimary));
                    oldPrimary.start(startup, "following the new primary '" + newPrimary.name() + "'");
                    seeding.awaitStreaming(oldPrimary, startup);
                } catch (GeoDbException e) {
                    LOG.warn(
                            "'{}' cannot follow the new timeline ({}); reseeding it",
                            oldPrimary.name(),
                            e.getMessage());
                    oldPrimary.kill("cannot follow the new timeline");
                    seeding.reseed(oldPrimary, newPrimary, "cannot follow the new timeline");
                }
            } else {
                seeding.reseed(oldPrimary, newPrimary, "planned failover");
            }
            listeners.point(listeners.readOnly(), oldPrimary, "old primary is the new secondary");
            steps.done(FailoverPhase.OLD_PRIMARY_REJOINED);
        } catch (RuntimeException e) {
            // The failover itself is complete; the old primary stays out until it is brought up.
            LOG.error("'{}' could not rejoin as secondary: {}", oldPrimary.name(), e.getMessage());
            listeners.clear(listeners.readOnly(), "no secondary");
        }
        sync.update();
    }

    private static String safeReplayLsn(PostgresServer server) {
        try {
            return Lsn.format(server.sql().replayLsn());
        } catch (SQLException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
