package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.internal.AdminSql;
import io.hadr.geodb.internal.Deadline;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.Steps;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base backups on demand and on schedule, named restore points, and pushing the primary's
 * current WAL into its store before a restore needs it.
 */
public final class BaseBackups {

    private static final Logger LOG = LoggerFactory.getLogger(BaseBackups.class);
    private static final Pattern MARK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,62}");
    /** How long a scheduled base backup that failed waits before it is tried again. */
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final BackupContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Instant retryAt = Instant.EPOCH;

    public BaseBackups(BackupContext context) {
        this.context = context;
    }

    /**
     * Takes a base backup of the primary into its region's store now.
     *
     * @throws GeoDbException when the primary does not run or the backup fails
     */
    public BaseBackupInfo take(Steps steps, String why) {
        lock.lock();
        try {
            PostgresServer primary = context.runningPrimary("a base backup");
            BackupStore store = context.store(primary.name());
            BaseBackupMeta meta;
            try {
                meta = BaseBackupWriter.take(primary, store, context.generation(), context.clock(), steps);
            } catch (GeoDbException e) {
                context.event(primary.name(), null, null, "base backup failed: " + e.getMessage());
                throw e;
            }
            context.event(
                    primary.name(),
                    null,
                    meta.id(),
                    "base backup taken (" + why + ") into the store of '" + store.region() + "', consistent from "
                            + meta.stoppedAt());
            return meta.info(store.region(), store.baseBackupDir(meta.generation(), meta.id()));
        } finally {
            lock.unlock();
        }
    }

    /** When the newest base backup of the current generation ended, in any store; null when none. */
    public Instant newest() {
        int g = context.generation();
        return context.stores().stream()
                .flatMap(s -> s.baseBackups(g).stream())
                .map(BaseBackupMeta::stoppedAt)
                .max(Comparator.naturalOrder())
                .orElse(null);
    }

    /** When the next scheduled base backup is due. */
    public Instant due() {
        Instant newest = newest();
        Instant due =
                newest == null ? Instant.EPOCH : newest.plus(context.settings().baseBackupInterval());
        return due.isBefore(retryAt) ? retryAt : due;
    }

    /** One check of the schedule: takes a base backup when one is due and the primary runs. */
    public void onSchedule() {
        Instant now = context.clock();
        if (now.isBefore(due())) {
            return;
        }
        PostgresServer primary = context.group().group().primary();
        if (primary == null || primary.state() != io.hadr.geodb.ServerState.RUNNING || lock.isLocked()) {
            return;
        }
        try {
            take(new Steps(null), "scheduled every " + context.settings().baseBackupInterval());
        } catch (RuntimeException e) {
            retryAt = now.plus(RETRY);
            LOG.warn("The scheduled base backup failed; trying again at {}: {}", retryAt, e.getMessage());
        }
    }

    /**
     * Makes a named restore point on the primary and pushes it into the store.
     *
     * @throws IllegalArgumentException for a bad or taken name
     */
    public RestoreMark mark(String name, Duration archiveWait) {
        if (name == null || !MARK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a mark's name is 1 to 63 letters, digits and . _ : - (starting with a "
                    + "letter or digit), but was '" + name + "'");
        }
        PostgresServer primary = context.runningPrimary("a mark");
        BackupStore store = context.store(primary.name());
        boolean taken = context.views(store).stream()
                .flatMap(v -> v.chain().restorePoints().stream())
                .anyMatch(p -> p.name().equals(name));
        if (taken) {
            throw new IllegalArgumentException("a mark named '" + name + "' exists already; a restore to it would be "
                    + "ambiguous: choose another name");
        }
        long lsn;
        Instant time;
        try (AdminSql.Session session = primary.sql().session(5, 30)) {
            record Made(long lsn, Instant time) {}
            Made made = session.queryOne(
                    "SELECT pg_create_restore_point('" + name + "')::text, clock_timestamp()",
                    rs -> new Made(
                            Lsn.parse(rs.getString(1)), rs.getTimestamp(2).toInstant()));
            lsn = made.lsn();
            time = made.time();
        } catch (SQLException e) {
            throw new GeoDbException(
                    "cannot make the mark '" + name + "' on '" + primary.name() + "': " + e.getMessage(), e);
        }
        boolean archived = pushWal(archiveWait, new Steps(null));
        context.event(
                primary.name(),
                null,
                name,
                "mark made at " + Lsn.format(lsn) + (archived ? ", archived" : ", not archived yet"));
        return new io.hadr.geodb.backup.RestoreMark(name, Lsn.format(lsn), time, archived);
    }

    /**
     * Ends the primary's current WAL segment and waits until its store holds it, so that what was
     * committed until now can be restored: a transaction is committed first (its commit time is
     * after every earlier commit, which a time target needs after it), then {@code pg_switch_wal}.
     *
     * @return whether the store held it within {@code timeout}
     */
    public boolean pushWal(Duration timeout, Steps steps) {
        PostgresServer primary = context.runningPrimary("archiving the current WAL");
        BackupStore store = context.store(primary.name());
        long switched;
        try (AdminSql.Session session = primary.sql().session(5, 30)) {
            session.execute("SELECT pg_current_xact_id()");
            switched = Lsn.parse(session.queryOne("SELECT pg_switch_wal()::text", rs -> rs.getString(1)));
        } catch (SQLException e) {
            throw new GeoDbException(
                    "cannot end the current WAL segment of '" + primary.name() + "': " + e.getMessage(), e);
        }
        try {
            Deadline.await(
                    "the store of '" + store.region() + "' to hold the WAL up to " + Lsn.format(switched),
                    timeout,
                    Duration.ofMillis(200),
                    () -> {
                        long end = context.catalog()
                                .view(store, context.generation())
                                .chain()
                                .replayableEnd();
                        return Long.compareUnsigned(end, switched) >= 0 ? Boolean.TRUE : null;
                    },
                    () -> "archived through "
                            + Lsn.format(context.catalog()
                                    .view(store, context.generation())
                                    .chain()
                                    .replayableEnd()));
            steps.note("current WAL archived (up to " + Lsn.format(switched) + ")");
            return true;
        } catch (GeoDbException e) {
            LOG.warn(
                    "The WAL up to {} is not in the store of '{}' yet: {}",
                    Lsn.format(switched),
                    store.region(),
                    e.getMessage());
            return false;
        }
    }
}
