package io.hadr.geodb.internal.backup;

import io.hadr.geodb.ServerState;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores' routine, once a second: sample the primary's write position (for lag in time),
 * read newly archived WAL, compress old WAL, and every half minute apply the retention window;
 * and, on a thread of its own, copy each store's news to the other region. Each step's failure is
 * logged and retried on the next pass; none stops the others.
 */
public final class Housekeeper {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);
    private static final Duration RETENTION_EVERY = Duration.ofSeconds(30);
    private static final Duration STALE_TEMPORARY = Duration.ofHours(1);

    private final BackupContext context;
    private final Compactor compactor;
    private final Leftovers leftovers;
    private Instant nextRetention = Instant.EPOCH;
    /** One geo-copy pass at a time: two would write the same base backup's temporary directory. */
    private final Object copying = new Object();

    public Housekeeper(BackupContext context) {
        this.context = context;
        this.compactor = new Compactor(context.settings().compressAfter(), 4);
        this.leftovers = new Leftovers(context);
    }

    /** One pass. */
    public void tick() {
        Instant now = context.clock();
        Long lsn = null;
        long failures = context.snapshot().archiveFailures();
        String lastFailure = context.snapshot().lastArchiveFailure();
        PostgresServer primary = context.group().group().primary();
        if (primary != null && primary.state() == ServerState.RUNNING) {
            try {
                record Sample(long lsn, long failures, String lastFailure) {}
                Sample s = primary.sql()
                        .queryOne(
                                "SELECT pg_current_wal_lsn()::text, failed_count, "
                                        + "CASE WHEN last_failed_time > coalesce(last_archived_time, '-infinity') "
                                        + "THEN last_failed_wal || ' at ' || last_failed_time END FROM pg_stat_archiver",
                                2,
                                rs -> new Sample(Lsn.parse(rs.getString(1)), rs.getLong(2), rs.getString(3)));
                if (s != null) {
                    lsn = s.lsn();
                    failures = s.failures();
                    lastFailure = s.lastFailure();
                    context.lsns().sample(now, lsn);
                }
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.debug("Cannot sample the primary's WAL position: {}", e.toString());
            }
        }
        Map<String, List<Catalog.GenerationView>> views = new LinkedHashMap<>();
        for (BackupStore store : context.stores()) {
            try {
                views.put(store.region(), context.views(store));
            } catch (RuntimeException e) {
                LOG.warn("Cannot read the backup store of '{}': {}", store.region(), e.toString());
                views.put(store.region(), List.of());
            }
        }
        context.snapshot(new BackupContext.Snapshot(now, views, lsn, failures, lastFailure));
        for (BackupStore store : context.stores()) {
            for (int g : store.generations()) {
                try {
                    compactor.compact(store, g, context.catalog().index(store, g), now);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Compressing old WAL in '{}' failed: {}", store.region(), e.toString());
                }
            }
        }
        if (!now.isBefore(nextRetention)) {
            nextRetention = now.plus(RETENTION_EVERY);
            applyRetention(now);
        }
    }

    /**
     * One geo-copy pass in each direction, on what the last pass of {@link #tick()} saw. Runs on a
     * thread of its own: a copy waiting on a partitioned link must not hold up the rest.
     */
    public void geoCopy() {
        if (!context.settings().geoCopy()) {
            return;
        }
        synchronized (copying) {
            copyEachWay();
        }
    }

    private void copyEachWay() {
        Map<String, List<Catalog.GenerationView>> views = context.snapshot().views();
        Instant windowStart = windowStart(context.clock());
        for (BackupStore from : context.stores()) {
            BackupStore to = context.other(from);
            List<Catalog.GenerationView> fromViews = views.get(from.region());
            if (fromViews == null) {
                continue; // not read yet: retention could not be told
            }
            try {
                context.copier().copy(from, to, Retention.decide(fromViews, windowStart));
            } catch (GeoCopyAbandonedException e) {
                return; // the group is closing
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "Geo-copy from '{}' to '{}' failed (retried next pass): {}",
                        from.region(),
                        to.region(),
                        e.toString());
            }
        }
    }

    private Instant windowStart(Instant now) {
        return now.minus(context.settings().retention());
    }

    /** Removes what the retention window lets go from every store, and the leftovers it has passed over. */
    public void applyRetention(Instant now) {
        try {
            leftovers.removeExpired(now);
        } catch (RuntimeException e) {
            LOG.warn("Removing leftovers the retention window let go failed: {}", e.toString());
        }
        for (BackupStore store : context.stores()) {
            try {
                Retention retention = Retention.decide(context.views(store), windowStart(now));
                sweep(store, retention);
                // Against the files' own times, which are the system's, whatever clock the group runs on.
                removeStaleTemporaries(store, Instant.now());
            } catch (IOException | RuntimeException e) {
                LOG.warn("Applying the retention window to the store of '{}' failed: {}", store.region(), e.toString());
            }
        }
    }

    private void sweep(BackupStore store, Retention retention) throws IOException {
        int generations = 0;
        int backups = 0;
        int files = 0;
        long bytes = 0;
        for (int g : store.generations()) {
            if (retention.deleteGenerations().contains(g) && g != context.generation()) {
                Trees.delete(store.generationDir(g));
                generations++;
                continue;
            }
            for (BaseBackupMeta b : store.baseBackups(g)) {
                if (retention.deletes(g, b.id())) {
                    Trees.delete(store.baseBackupDir(g, b.id()));
                    backups++;
                }
            }
            WalIndex index = context.catalog().index(store, g);
            for (Map.Entry<String, Path> e : store.walFiles(g).entrySet()) {
                WalFile file = WalFile.parse(e.getKey()).orElseThrow();
                if (retention.deletes(g, file)) {
                    long size = Files.size(e.getValue());
                    if (DurableFiles.delete(e.getValue())) {
                        files++;
                        bytes += size;
                    }
                    index.forget(e.getKey());
                }
            }
        }
        if (generations + backups + files > 0) {
            String what = (generations > 0 ? generations + " generation(s), " : "") + backups + " base backup(s) and "
                    + files + " WAL file(s) (" + BaseBackupWriter.mb(bytes) + ")";
            LOG.info(
                    "Retention {}: removed {} from the store of '{}'",
                    context.settings().retention(),
                    what,
                    store.region());
            context.event(store.region(), null, null, "retention removed " + what);
        }
    }

    /** Temporary files of writers that died (a crash mid-copy) are removed after a while. */
    private static void removeStaleTemporaries(BackupStore store, Instant now) throws IOException {
        for (int g : store.generations()) {
            for (Path dir : List.of(store.walDir(g), store.baseDir(g))) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> list = Files.list(dir)) {
                    for (Path p : list.filter(p -> p.getFileName().toString().startsWith("."))
                            .toList()) {
                        try {
                            if (Files.getLastModifiedTime(p)
                                    .toInstant()
                                    .plus(STALE_TEMPORARY)
                                    .isBefore(now)) {
                                Trees.delete(p);
                            }
                        } catch (java.nio.file.NoSuchFileException gone) {
                            // A writer finished with it meanwhile.
                        }
                    }
                }
            }
        }
    }
}
