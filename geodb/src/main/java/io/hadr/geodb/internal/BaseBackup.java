package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a standby from a running primary without {@code pg_basebackup} (not in the bundle): the
 * low-level API of the PostgreSQL manual, "Making a Base Backup Using the Low Level API".
 *
 * <ol>
 *   <li>(Re)create the standby's physical replication slot, so the primary keeps every WAL
 *       segment the standby will need from here on;</li>
 *   <li>{@code pg_backup_start(label, fast)} in a session that stays open;</li>
 *   <li>copy the data directory, leaving out what the manual says may be left out;</li>
 *   <li>{@code pg_backup_stop()} and write its {@code labelfile} as {@code backup_label}.</li>
 * </ol>
 * The copy goes through the inter-region link, as the standby stands in the other region.
 * The standby starts with an empty {@code pg_wal}; in standby mode it fetches the WAL from the
 * backup's checkpoint onward by streaming through its slot.
 */
public final class BaseBackup {

    private static final Logger LOG = LoggerFactory.getLogger(BaseBackup.class);

    /** How long the copy may go without any byte moving before it fails (e.g. across a partition). */
    static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    /** Directories whose contents are not copied (the manual: they are rebuilt at startup). */
    static final Set<String> EMPTY_DIRS = Set.of(
            "pg_wal",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans",
            "pg_replslot");
    /** Top-level files that must not be copied. */
    static final Set<String> SKIPPED_FILES = Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "backup_label",
            "tablespace_map",
            "standby.signal",
            "recovery.signal",
            "current_logfiles",
            "backup_label.old");

    private BaseBackup() {}

    /**
     * A walk over a running server's data directory: a file dropped while the walk goes on is
     * left out, as WAL replay from the backup's start recreates or removes it.
     */
    public abstract static class DataDirectoryWalk extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw exc;
        }
    }

    /**
     * Whether a file or directory of a data directory belongs in a base backup (the manual's
     * list of what may be left out, plus files the backup writes itself).
     *
     * @param relative its path relative to the data directory
     * @param directory whether it is a directory; an excluded directory is copied empty
     */
    public static boolean copied(Path relative, boolean directory) {
        String fileName =
                relative.getFileName() == null ? "" : relative.getFileName().toString();
        if (relative.getNameCount() >= 2
                && EMPTY_DIRS.contains(relative.getName(0).toString())) {
            // Only the directory itself is kept (empty); pg_wal's own subdirectories are made by the writer.
            return false;
        }
        if (directory) {
            return !fileName.startsWith("pgsql_tmp");
        }
        if (relative.getNameCount() == 1 && SKIPPED_FILES.contains(fileName)) {
            return false;
        }
        return !fileName.equals("pg_internal.init") && !fileName.startsWith("pgsql_tmp");
    }

    /**
     * Copies {@code primary} into {@code standby}'s (empty) data directory as a base backup. The
     * standby stands in the other region, so the copy crosses the inter-region link: it takes the
     * link's latency and stalls on a partition, failing after {@link #STALL_LIMIT} without progress.
     *
     * @return the backup's start LSN
     */
    public static long copy(PostgresServer primary, PostgresServer standby, Routes routes) {
        Path from = primary.files().dataDir();
        Path to = standby.files().dataDir();
        String what = "the base backup of '" + primary.name() + "' for '" + standby.name() + "'";
        try (Connection c = primary.sql().connect("postgres", 10);
                Statement s = c.createStatement()) {
            recreateSlot(s, standby.slotName());
            long start;
            try (ResultSet rs =
                    s.executeQuery("SELECT pg_backup_start('hadr reseed of " + standby.name() + "', true)::text")) {
                rs.next();
                start = Lsn.parse(rs.getString(1));
            }
            long bytes;
            try (TreeTransfer transfer = TreeTransfer.across(routes.link(), primary.name(), to, STALL_LIMIT, what)) {
                try {
                    copyTree(from, transfer);
                } catch (IOException e) {
                    GeoDbException failure = transfer.failure(e);
                    stopBackupQuietly(s, failure);
                    throw failure;
                } catch (RuntimeException e) {
                    stopBackupQuietly(s, e);
                    throw e;
                }
                String label;
                String spcmap;
                try (ResultSet rs = s.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                    rs.next();
                    label = rs.getString(1);
                    spcmap = rs.getString(2);
                }
                try {
                    transfer.bytes("backup_label", label.getBytes(StandardCharsets.UTF_8));
                    if (spcmap != null && !spcmap.isEmpty()) {
                        transfer.bytes("tablespace_map", spcmap.getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    throw transfer.failure(e);
                }
                bytes = transfer.finish();
            }
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
            LOG.info(
                    "Base backup of '{}' into '{}' taken from {}: {} MiB across the inter-region link",
                    primary.name(),
                    standby.name(),
                    Lsn.format(start),
                    bytes >> 20);
            return start;
        } catch (SQLException | IOException e) {
            throw new GeoDbException(what + " failed: " + e, e);
        }
    }

    private static void stopBackupQuietly(Statement s, Exception failure) {
        try {
            s.execute("SELECT pg_backup_stop(false)");
        } catch (SQLException stopFailed) {
            failure.addSuppressed(stopFailed);
        }
    }

    /**
     * Drops the slot if it exists and creates it reserving WAL from now, before the backup
     * starts: a slot left from an earlier life would pin old WAL forever.
     */
    public static void recreateSlot(Statement s, String slot) throws SQLException {
        try (ResultSet rs =
                s.executeQuery("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            if (rs.next()) {
                int activePid = rs.getInt(1);
                if (!rs.wasNull()) {
                    s.execute("SELECT pg_terminate_backend(" + activePid + ")");
                }
            }
        }
        // The walsender of a terminated connection may release the slot a moment later.
        SQLException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'");
                last = null;
                break;
            } catch (SQLException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new GeoDbException("interrupted while dropping the replication slot " + slot, ie);
                }
            }
        }
        if (last != null) {
            throw last;
        }
        s.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
    }

    /** Creates the slot unless it exists (keeping the WAL it already holds). */
    public static void ensureSlot(Statement s, String slot) throws SQLException {
        s.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true) WHERE NOT EXISTS "
                + "(SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "')");
    }

    private static void copyTree(Path from, TreeTransfer to) throws IOException {
        try {
            Files.walkFileTree(from, new DataDirectoryWalk() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Path relative = from.relativize(dir);
                    to.directory(relative.toString());
                    if (relative.getNameCount() == 1 && EMPTY_DIRS.contains(relative.toString())) {
                        if (relative.toString().equals("pg_wal")) {
                            to.directory(relative.resolve("archive_status").toString());
                            to.directory(relative.resolve("summaries").toString());
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (dir.getFileName() != null
                            && dir.getFileName().toString().startsWith("pgsql_tmp")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path relative = from.relativize(file);
                    if (copied(relative, false)) {
                        to.file(relative.toString(), file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
