package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Durations;
import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ProgressListener;
import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.QueryResult;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoreRefusedException;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.backup.VerifyReport;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local environment's backups and point-in-time restores: the geo-replicated database's own
 * (WAL archive, base backups, geo-copies, restores to new servers, adoption) offered in the
 * platform's terms. Input the database refuses (a target outside the restorable range, an
 * unknown restore, a bad name) becomes {@link BadControlRequestException}; any other failure a
 * {@link LocalEnvironmentException} with the database's own sentence.
 */
public final class LocalBackups {

    private static final Logger log = LoggerFactory.getLogger(LocalBackups.class);

    /** The answer to listing the restored servers. */
    public record Restores(List<RestoredServer> restores) {
        public Restores {
            restores = List.copyOf(restores);
        }
    }

    /** The answer to dropping a restored server. */
    public record Dropped(String name) {}

    /** The request to make a named restore point. */
    public record MarkRequest(String name) {}

    /** The request to test-restore a region's backups (null: the primary's). */
    public record VerifyRequest(String region) {}

    /** The request to run one SQL statement on a target. */
    public record SqlRequest(SqlTarget target, String statement) {}

    private final Supplier<GeoDatabase> database;

    LocalBackups(Supplier<GeoDatabase> database) {
        this.database = database;
    }

    /** Backups at a glance for {@code hadr status}; null while the database is not up. */
    EnvironmentStatus.BackupSummary summary() {
        GeoDatabase db = database.get();
        if (db == null) {
            return null;
        }
        BackupStatus s;
        try {
            s = db.backupStatus();
        } catch (GeoDbException | IllegalStateException e) {
            return null;
        }
        return summary(s);
    }

    static EnvironmentStatus.BackupSummary summary(BackupStatus s) {
        return new EnvironmentStatus.BackupSummary(
                s.enabled(),
                s.primaryStore(),
                s.archiveLagMillis(),
                s.archiveLagBytes(),
                s.geoCopyLagMillis(),
                s.earliestRestorePoint(),
                s.latestRestorePoint(),
                s.lastBaseBackupAt(),
                s.retention() == null ? null : Durations.format(s.retention()),
                s.archiveTimeout() == null ? null : Durations.format(s.archiveTimeout()),
                s.problems());
    }

    /** Every base backup in every region's store, the marks, the restorable range. */
    public BackupCatalog catalog() {
        return run(() -> db().backups());
    }

    /** Takes a base backup of the primary now. */
    public BaseBackupInfo backup(ProgressListener progress) {
        return run(() -> db().backup(progress));
    }

    /** Makes a named restore point on the primary. */
    public RestoreMark mark(String name) {
        return run(() -> db().mark(name));
    }

    /** Restores to a new server; never touches the live database. */
    public RestoreResult restore(RestoreRequest request, ProgressListener progress) {
        io.hadr.geodb.backup.RestoreTarget target = run(() -> target(request.target()));
        io.hadr.geodb.backup.RestoreResult r = run(() -> db().restore(
                        new io.hadr.geodb.backup.RestoreRequest(target, request.as(), request.fromRegion()), progress));
        log.info("restored {}", r);
        return new RestoreResult(r.name(), r.region(), r.address(), r.reachedCommitTime(), r.reachedLsn(), r.took());
    }

    private static io.hadr.geodb.backup.RestoreTarget target(RestoreTarget target) {
        if (target instanceof RestoreTarget.AtTime t && t.time() != null) {
            return new io.hadr.geodb.backup.RestoreTarget.AtTime(t.time());
        }
        if (target instanceof RestoreTarget.AtLsn l && l.lsn() != null) {
            return new io.hadr.geodb.backup.RestoreTarget.AtLsn(l.lsn());
        }
        if (target instanceof RestoreTarget.AtMark m && m.name() != null) {
            return new io.hadr.geodb.backup.RestoreTarget.AtMark(m.name());
        }
        if (target instanceof RestoreTarget.Latest) {
            return new io.hadr.geodb.backup.RestoreTarget.Latest();
        }
        throw new IllegalArgumentException(
                "a restore needs a target: a time, an LSN, a mark or the latest point, but was " + target);
    }

    public Restores restores() {
        return run(() -> new Restores(db().restores()));
    }

    public Dropped drop(String name) {
        return run(() -> {
            db().dropRestore(name);
            return new Dropped(name);
        });
    }

    /** Makes a restored server the failover group's primary behind the same listeners. */
    public AdoptReport adopt(String name, ProgressListener progress) {
        AdoptReport report = run(() -> db().adopt(name, progress));
        log.info("adopted {}", report);
        return report;
    }

    /** Test-restores the latest base backup of a region's store with all archived WAL. */
    public VerifyReport verify(String region, ProgressListener progress) {
        return run(() -> db().verifyBackups(region, progress));
    }

    /** Runs one statement as the administrator on the target. */
    public SqlResult sql(SqlTarget target, String statement) {
        if (target == null) {
            throw new BadControlRequestException("a SQL request needs a target");
        }
        QueryResult r = run(() -> switch (target.kind()) {
            case READ_WRITE_LISTENER -> db().sql(statement);
            case SERVER -> db().sqlOnServer(target.name(), statement);
            case RESTORE -> db().sqlOnRestore(target.name(), statement);
        });
        return new SqlResult(r.command(), r.columns(), r.rows(), r.updateCount());
    }

    private GeoDatabase db() {
        GeoDatabase db = database.get();
        if (db == null) {
            throw new LocalEnvironmentException("the database is not running yet");
        }
        return db;
    }

    /** The one place where the database's failures become the environment's. */
    private static <T> T run(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RestoreRefusedException | IllegalArgumentException e) {
            throw new BadControlRequestException(e.getMessage());
        } catch (GeoDbException e) {
            throw new LocalEnvironmentException(e.getMessage(), e);
        }
    }
}
