package io.hadr.cli;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.topology.Durations;
import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.Leftover;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.backup.StoreStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Renders backups, restores and SQL results for people; {@code --json} prints the records instead. */
final class BackupView {

    private BackupView() {}

    static void print(BackupCatalog catalog, PrintWriter out) {
        BackupStatus s = catalog.status();
        out.printf(
                "restorable: from %s to %s (store of %s, generation %d), retention %s%n",
                StatusView.orDash(s.earliestRestorePoint()),
                StatusView.orDash(s.latestRestorePoint()),
                s.primaryStore(),
                catalog.generation(),
                s.retention() == null ? "-" : Durations.format(s.retention()));
        out.printf(
                "archive lag %s (archive timeout %s), geo-copy lag %s, last base backup %s, next due %s%n",
                lag(s.archiveLagMillis(), s.archiveLagBytes()),
                s.archiveTimeout() == null ? "-" : Durations.format(s.archiveTimeout()),
                lag(s.geoCopyLagMillis(), s.geoCopyLagBytes()),
                StatusView.orDash(s.lastBaseBackupAt()),
                StatusView.orDash(s.nextBaseBackupAt()));
        out.println();
        Table backups =
                new Table("BASE BACKUP", "STORE", "GEN", "TIMELINE", "TAKEN (ENDED)", "SIZE", "DATA", "WAL FROM");
        for (BaseBackupInfo b : catalog.baseBackups()) {
            backups.row(
                    b.id(),
                    b.store(),
                    Integer.toString(b.generation()),
                    Integer.toString(b.timeline()),
                    String.valueOf(b.stoppedAt()),
                    size(b.bytes()),
                    size(b.dataBytes()),
                    b.startLsn());
        }
        backups.print(out);
        out.println();
        Table stores = new Table(
                "STORE", "GEN", "TIMELINE", "ARCHIVED THROUGH", "LATEST RESTORE POINT", "WAL FILES", "WAL SIZE", "LAG");
        for (StoreStatus store : catalog.stores()) {
            stores.row(
                    store.region(),
                    Integer.toString(store.generation()),
                    Integer.toString(store.timeline()),
                    StatusView.orDash(store.archivedThrough()),
                    StatusView.orDash(store.latestRestorePoint()),
                    Integer.toString(store.walFiles()),
                    size(store.walBytes()),
                    lag(store.lagMillis(), store.lagBytes()));
        }
        stores.print(out);
        if (!catalog.marks().isEmpty()) {
            out.println();
            Table marks = new Table("MARK", "LSN", "TIME", "ARCHIVED");
            for (RestoreMark m : catalog.marks()) {
                marks.row(m.name(), m.lsn(), String.valueOf(m.time()), m.archived() ? "yes" : "not yet");
            }
            marks.print(out);
        }
        if (!catalog.leftovers().isEmpty()) {
            out.println();
            Table leftovers = new Table("LEFTOVER", "SIZE", "IDLE SINCE", "REMOVED AFTER", "PATH");
            for (Leftover l : catalog.leftovers()) {
                leftovers.row(
                        l.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        size(l.bytes()),
                        String.valueOf(l.since()),
                        String.valueOf(l.removedAfter()),
                        l.path().toString());
            }
            leftovers.print(out);
            out.println("(no server or restore uses these; retention removes each once the window has passed over it; "
                    + "delete one yourself to free the space sooner)");
        }
        problems(s.problems(), out);
        catalog.stores()
                .forEach(store -> store.problems().stream()
                        .filter(p -> !s.problems().contains(p))
                        .forEach(p -> out.println("! store of " + store.region() + ": " + p)));
    }

    static void printRestores(List<RestoredServer> restores, PrintWriter out) {
        if (restores.isEmpty()) {
            out.println("no restored servers; 'hadr db restore --to TIME --as NAME' makes one");
            return;
        }
        Table table = new Table(
                "RESTORE", "REGION", "STATE", "ADDRESS", "PID", "TARGET", "REACHED LSN", "LAST COMMIT", "CREATED");
        for (RestoredServer r : restores) {
            table.row(
                    r.name(),
                    r.region(),
                    r.state(),
                    "127.0.0.1:" + r.port(),
                    StatusView.orDash(r.pid()),
                    r.target(),
                    StatusView.orDash(r.reachedLsn()),
                    StatusView.orDash(r.reachedCommitTime()),
                    String.valueOf(r.createdAt()));
        }
        table.print(out);
    }

    static void printSql(SqlResult result, PrintWriter out) {
        if (!result.columns().isEmpty()) {
            Table table = new Table(result.columns().toArray(String[]::new));
            for (List<String> row : result.rows()) {
                table.row(row.stream().map(v -> v == null ? "NULL" : v).toArray(String[]::new));
            }
            table.print(out);
            out.printf("(%d row%s)%n", result.rows().size(), result.rows().size() == 1 ? "" : "s");
        } else {
            out.println(result.command().toUpperCase(Locale.ROOT)
                    + (result.updateCount() == null ? "" : " " + result.updateCount()));
        }
    }

    /** One line for {@code hadr status}: what a restore could lose now, and how far back it can go. */
    static void printSummary(EnvironmentStatus.BackupSummary b, PrintWriter out) {
        if (!b.enabled()) {
            out.println("  backups: off");
            return;
        }
        out.printf(
                "  backups: RPO now %s (archive lag; archive timeout %s), geo-copy lag %s, restorable from %s to %s, "
                        + "retention %s%n",
                b.archiveLagMs() == null ? "unknown" : b.archiveLagMs() + " ms",
                b.archiveTimeout(),
                b.geoCopyLagMs() == null ? "unknown" : b.geoCopyLagMs() + " ms",
                StatusView.orDash(b.earliestRestorePoint()),
                StatusView.orDash(b.latestRestorePoint()),
                b.retention());
        problems(b.problems(), out);
    }

    private static void problems(List<String> problems, PrintWriter out) {
        problems.forEach(p -> out.println("! backups: " + p));
    }

    private static String lag(Long millis, Long bytes) {
        if (millis == null && bytes == null) {
            return "unknown";
        }
        return (millis == null ? "?" : millis + " ms") + " / " + (bytes == null ? "?" : size(bytes));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
}
