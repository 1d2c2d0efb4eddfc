package io.hadr.geodb.internal.backup;

import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.StoreStatus;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The backups as values for status and listings; the words are the caller's business. */
public final class BackupReports {

    private final BackupContext context;
    private final BaseBackups baseBackups;

    public BackupReports(BackupContext context, BaseBackups baseBackups) {
        this.context = context;
        this.baseBackups = baseBackups;
    }

    /** The summary, from what the housekeeper saw last (no store is read). */
    public BackupStatus status() {
        return status(context.snapshot().views());
    }

    private BackupStatus status(Map<String, List<Catalog.GenerationView>> views) {
        BackupContext.Snapshot snap = context.snapshot();
        PostgresServer primary = context.group().group().primary();
        String primaryStore = primary.name();
        String otherStore = context.other(context.store(primaryStore)).region();
        List<Catalog.GenerationView> mine = views.getOrDefault(primaryStore, List.of());
        List<Catalog.GenerationView> theirs = views.getOrDefault(otherStore, List.of());
        Long end = currentEnd(mine);
        Long otherEnd = currentEnd(theirs);
        Instant now = context.clock();
        Long lagBytes = null;
        Long lagMillis = null;
        if (end != null && snap.primaryLsn() != null) {
            lagBytes = Math.max(0, snap.primaryLsn() - end);
            lagMillis = context.lsns().lagMillis(end, now);
        }
        Long copyBytes = null;
        Long copyMillis = null;
        if (end != null && otherEnd != null) {
            copyBytes = Math.max(0, end - otherEnd);
            Long theirLag = context.lsns().lagMillis(otherEnd, now);
            copyMillis = theirLag == null || lagMillis == null ? null : Math.max(0, theirLag - lagMillis);
        }
        int g = context.generation();
        int toCopy = (int) context.store(primaryStore).baseBackups(g).stream()
                .filter(b -> !Files.exists(context.store(otherStore).baseBackupDir(g, b.id())))
                .count();
        List<String> problems = new ArrayList<>();
        views.forEach((region, list) -> list.stream()
                .filter(v -> v.generation() == g && v.chain().problem() != null)
                .forEach(v ->
                        problems.add("store of '" + region + "': " + v.chain().problem())));
        problems.addAll(context.copier().problems());
        if (snap.lastArchiveFailure() != null) {
            problems.add("archiving on '" + primaryStore + "' fails (last failure: " + snap.lastArchiveFailure()
                    + "); see its postgres.log");
        }
        return new BackupStatus(
                true,
                primaryStore,
                lagBytes,
                lagMillis,
                copyBytes,
                copyMillis,
                toCopy,
                RestorePlanner.earliest(mine),
                RestorePlanner.latest(mine),
                baseBackups.newest(),
                baseBackups.due(),
                context.settings().retention(),
                context.settings().archiveTimeout(),
                snap.archiveFailures(),
                snap.lastArchiveFailure(),
                problems);
    }

    private Long currentEnd(List<Catalog.GenerationView> views) {
        return views.stream()
                .filter(v -> v.generation() == context.generation())
                .findFirst()
                .map(v -> v.chain().replayableEnd())
                .orElse(null);
    }

    /** Everything in every store, read now. */
    public BackupCatalog catalog() {
        Map<String, List<Catalog.GenerationView>> views = new java.util.LinkedHashMap<>();
        for (BackupStore store : context.stores()) {
            views.put(store.region(), context.views(store));
        }
        BackupStatus status = status(views);
        List<BaseBackupInfo> backups = new ArrayList<>();
        List<StoreStatus> stores = new ArrayList<>();
        Instant now = context.clock();
        for (BackupStore store : context.stores()) {
            List<Catalog.GenerationView> list = views.get(store.region());
            int files = 0;
            long bytes = 0;
            int backupCount = 0;
            for (Catalog.GenerationView v : list) {
                for (BaseBackupMeta b : v.backups()) {
                    backups.add(b.info(store.region(), store.baseBackupDir(v.generation(), b.id())));
                    backupCount++;
                }
                for (Path p : store.walFiles(v.generation()).values()) {
                    files++;
                    bytes += size(p);
                }
            }
            Catalog.GenerationView current = list.isEmpty() ? null : list.get(list.size() - 1);
            Long lagBytes = null;
            Long lagMillis = null;
            Long primaryLsn = context.snapshot().primaryLsn();
            List<String> problems = new ArrayList<>();
            if (current != null) {
                long end = current.chain().replayableEnd();
                lagBytes = primaryLsn == null ? null : Math.max(0, primaryLsn - end);
                lagMillis = context.lsns().lagMillis(end, now);
                if (current.chain().problem() != null) {
                    problems.add(current.chain().problem());
                }
            }
            stores.add(new StoreStatus(
                    store.region(),
                    store.root(),
                    current == null ? 0 : current.generation(),
                    current == null ? 0 : current.history().timeline(),
                    current == null ? null : Lsn.format(current.chain().replayableEnd()),
                    current == null ? null : current.chain().lastSegment(),
                    current == null ? null : RestorePlanner.latest(list),
                    files,
                    bytes,
                    backupCount,
                    lagBytes,
                    lagMillis,
                    problems));
        }
        backups.sort(java.util.Comparator.comparing(BaseBackupInfo::stoppedAt).thenComparing(BaseBackupInfo::store));
        List<RestoreMark> marks = new ArrayList<>();
        for (Catalog.GenerationView v : views.get(status.primaryStore())) {
            v.chain()
                    .restorePoints()
                    .forEach(p -> marks.add(new RestoreMark(p.name(), Lsn.format(p.lsn()), p.time(), true)));
        }
        return new BackupCatalog(context.generation(), status, backups, marks, stores, new Leftovers(context).find());
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
