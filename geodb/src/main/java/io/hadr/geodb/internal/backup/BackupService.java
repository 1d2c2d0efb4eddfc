package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerState;
import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.QueryResult;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.backup.VerifyReport;
import io.hadr.geodb.internal.GroupContext;
import io.hadr.geodb.internal.PgProcesses;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.Seeding;
import io.hadr.geodb.internal.SelfHealer;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.SyncCommit;
import io.hadr.geodb.internal.WalArchiving;
import io.hadr.toolkit.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup room's entrance for the failover group: continuous WAL archiving of every server,
 * base backups on schedule and on demand, geo-copies, retention, restores, adoption, verification
 * and an operator's SQL. Made by the facade once the group is loaded; each operation is done by
 * the class named for it.
 *
 * <p>With backups off it archives nothing and refuses every backup operation, saying why.
 */
public final class BackupService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
    private static final Duration MARK_ARCHIVE_WAIT = Duration.ofSeconds(30);

    private final BackupContext context;
    private final boolean enabled;
    private final BaseBackups baseBackups;
    private final Restores restores;
    private final BackupReports reports;
    private final Housekeeper housekeeper;
    private ScheduledExecutorService threads;

    public BackupService(GroupContext group, PgProcesses launcher) {
        this.context = new BackupContext(group, launcher);
        this.enabled = group.config().backups().enabled();
        this.baseBackups = new BaseBackups(context);
        this.restores = new Restores(context, baseBackups);
        this.reports = new BackupReports(context, baseBackups);
        this.housekeeper = new Housekeeper(context);
    }

    /** Before the servers start: stores and scripts in place, every server told where to archive. */
    public void prepare() {
        if (!enabled) {
            context.group().group().servers().forEach(s -> s.archiving(WalArchiving.OFF));
            return;
        }
        context.prepare();
        for (PostgresServer server : context.group().group().servers()) {
            server.archiving(context.archiving(server));
        }
    }

    /**
     * Once the group runs: restored servers resumed, a first base backup when the current
     * generation has none (so that a restore is possible from the start), then the routine.
     */
    public void start(Steps steps) {
        if (!enabled) {
            return;
        }
        restores.resume(steps);
        if (baseBackups.newest() == null && context.group().group().primary().state() == ServerState.RUNNING) {
            try {
                baseBackups.take(steps, "first base backup");
            } catch (GeoDbException e) {
                LOG.warn("The first base backup failed; the schedule tries again: {}", e.getMessage());
            }
        }
        housekeeper.tick();
        threads = Executors.newScheduledThreadPool(3, Threads.daemon("hadr-geodb-backups"));
        threads.scheduleWithFixedDelay(() -> guarded("housekeeping", housekeeper::tick), 1, 1, TimeUnit.SECONDS);
        threads.scheduleWithFixedDelay(() -> guarded("geo-copy", housekeeper::geoCopy), 1, 1, TimeUnit.SECONDS);
        threads.scheduleWithFixedDelay(
                () -> guarded("base backup schedule", baseBackups::onSchedule), 5, 5, TimeUnit.SECONDS);
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("Backup {} failed (retried): {}", what, e.toString());
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public BackupStatus status() {
        return enabled ? reports.status() : BackupStatus.off();
    }

    public BackupCatalog catalog() {
        requireEnabled("listing backups");
        return reports.catalog();
    }

    public BaseBackupInfo backup(Steps steps) {
        requireEnabled("a base backup");
        BaseBackupInfo info = baseBackups.take(steps, "on demand");
        housekeeper.applyRetention(context.clock());
        return info;
    }

    public RestoreMark mark(String name) {
        requireEnabled("a mark");
        return baseBackups.mark(name, MARK_ARCHIVE_WAIT);
    }

    public RestoreResult restore(RestoreRequest request, Steps steps) {
        requireEnabled("a restore");
        return restores.restore(request, steps);
    }

    public List<RestoredServer> restores() {
        requireEnabled("listing restores");
        return restores.list();
    }

    public void dropRestore(String name) {
        requireEnabled("dropping a restore");
        restores.drop(name);
    }

    /** Adopts a restore; the caller holds the group's operation lock. */
    public AdoptReport adopt(String name, Steps steps, Seeding seeding, SyncCommit sync, SelfHealer healer) {
        requireEnabled("adopting a restore");
        return new Adoption(context, restores, baseBackups, seeding, sync, healer).run(name, steps);
    }

    public VerifyReport verify(String region, Steps steps) {
        requireEnabled("verifying backups");
        return new Verifier(context, restores).verify(region, steps);
    }

    /** One statement on a restored server. */
    public QueryResult sqlOnRestore(String name, String statement) {
        requireEnabled("SQL on a restore");
        PostgresServer server = restores.running(name);
        return SqlRunner.run(
                server.port(),
                name,
                context.config().databaseName(),
                context.group().group().stateFile().adminPassword(),
                statement);
    }

    /** Applies the retention window now (also done every half minute). */
    public void applyRetention() {
        requireEnabled("retention");
        housekeeper.applyRetention(context.clock());
    }

    /** Reads the stores and copies their news to the other region now instead of waiting for the next pass. */
    public void refresh() {
        if (enabled) {
            housekeeper.tick();
            housekeeper.geoCopy();
        }
    }

    private void requireEnabled(String what) {
        if (!enabled) {
            throw new GeoDbException(what + " needs backups, which are off in this configuration (backups enabled: "
                    + "false); turn them on and restart");
        }
    }

    /** Stops the routine and the restored servers. */
    @Override
    public void close() {
        if (threads != null) {
            // A pass in progress ends first (it writes summaries); a base backup in progress is cut,
            // and so is a geo-copy (it may wait on a partitioned link; its temporary file is left
            // for the stale-temporary sweep).
            threads.shutdown();
            context.copier().close();
            try {
                if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                    threads.shutdownNow();
                    threads.awaitTermination(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (enabled) {
            restores.stopAll();
        }
    }

    /** For tests and benchmarks: the stores' directory. */
    public java.nio.file.Path storeRoot() {
        return context.storeRoot();
    }
}
