package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.internal.BaseBackup;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.Steps;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a base backup of the primary into a store, with the low-level API of the PostgreSQL
 * manual ("Making a Base Backup Using the Low Level API"): {@code pg_backup_start} in a session
 * that stays open, the data directory streamed into a gzip'd tar (fast compression: the CPU is
 * shared), {@code pg_backup_stop(wait_for_archive => true)}, which returns once the WAL the
 * backup needs is archived, and its label written into the tar as {@code backup_label}. The
 * backup is written under a hidden name and renamed into place once it and its record are on
 * disk, so a store never lists half a backup.
 */
public final class BaseBackupWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BaseBackupWriter.class);
    private static final DateTimeFormatter ID =
            DateTimeFormatter.ofPattern("'base-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final long PROGRESS_EVERY = 256L * 1024 * 1024;
    /** How long pg_backup_stop may wait for the archive before the backup is abandoned. */
    private static final int STOP_TIMEOUT_SECONDS = 300;

    private BaseBackupWriter() {}

    /**
     * Takes a base backup of {@code primary} into {@code store}'s generation {@code generation}.
     *
     * @throws GeoDbException naming the server, the store and the cause; nothing is left in the store
     */
    public static BaseBackupMeta take(
            PostgresServer primary, BackupStore store, int generation, Instant now, Steps steps) {
        store.prepare(generation);
        String id = uniqueId(store, generation, now);
        Path base = store.baseDir(generation);
        Path temp = base.resolve(".tmp-" + id);
        Path data = primary.files().dataDir();
        try (Connection c = primary.sql().connect("postgres", 10, STOP_TIMEOUT_SECONDS + 60);
                Statement s = c.createStatement()) {
            // pg_backup_stop waits for archiving with CHECK_FOR_INTERRUPTS: a statement timeout ends
            // the wait (and the backup) if archiving is failing, instead of hanging here.
            s.execute("SET statement_timeout = '" + STOP_TIMEOUT_SECONDS + "s'");
            long startLsn;
            Instant startedAt;
            try (ResultSet rs =
                    s.executeQuery("SELECT pg_backup_start('hadr " + id + "', true)::text, clock_timestamp()")) {
                rs.next();
                startLsn = Lsn.parse(rs.getString(1));
                startedAt = rs.getTimestamp(2).toInstant();
            }
            steps.note("base backup " + id + " of '" + primary.name() + "' started at " + Lsn.format(startLsn));
            Files.createDirectories(temp);
            Path archive = temp.resolve(BaseBackupMeta.ARCHIVE);
            long dataBytes;
            String label;
            long stopLsn;
            Instant stoppedAt;
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            CountingOutputStream counted;
            try (OutputStream file = Files.newOutputStream(archive);
                    DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(file, 1 << 20), sha);
                    CountingOutputStream counting = new CountingOutputStream(digest);
                    GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(counting, fastest());
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
                counted = counting;
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                try {
                    dataBytes = copyTree(data, tar, steps);
                } catch (IOException | RuntimeException e) {
                    abandon(s, e);
                    throw e;
                }
                String spcmap;
                try (ResultSet rs = s.executeQuery(
                        "SELECT lsn::text, labelfile, spcmapfile, clock_timestamp() FROM pg_backup_stop(true)")) {
                    rs.next();
                    stopLsn = Lsn.parse(rs.getString(1));
                    label = rs.getString(2);
                    spcmap = rs.getString(3);
                    stoppedAt = rs.getTimestamp(4).toInstant();
                }
                addText(tar, "backup_label", label);
                if (spcmap != null && !spcmap.isEmpty()) {
                    addText(tar, "tablespace_map", spcmap);
                }
                tar.finish();
            }
            DurableFiles.fsync(archive);
            BaseBackupMeta meta = new BaseBackupMeta(
                    id,
                    generation,
                    primary.name(),
                    timeline(label),
                    startLsn,
                    stopLsn,
                    startedAt,
                    stoppedAt,
                    counted.count,
                    dataBytes,
                    HexFormat.of().formatHex(sha.digest()));
            Path record = temp.resolve(BaseBackupMeta.FILE);
            Files.writeString(record, meta.toText());
            DurableFiles.fsync(record);
            DurableFiles.fsyncDirectory(temp);
            Files.move(temp, base.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.fsyncDirectory(base);
            LOG.info(
                    "Base backup {} of '{}' into {}: {} of data, {} stored, WAL {} to {}",
                    id,
                    primary.name(),
                    store,
                    mb(dataBytes),
                    mb(meta.bytes()),
                    Lsn.format(startLsn),
                    Lsn.format(stopLsn));
            steps.note("base backup " + id + " done: " + mb(dataBytes) + " of data in " + mb(meta.bytes())
                    + ", consistent from " + Lsn.format(stopLsn) + " (" + stoppedAt + ")");
            return meta;
        } catch (SQLException | IOException | NoSuchAlgorithmException | RuntimeException e) {
            deleteQuietly(temp);
            if (e instanceof GeoDbException g) {
                throw g;
            }
            throw new GeoDbException(
                    "base backup of '" + primary.name() + "' into " + store + " failed: " + e.getMessage(), e);
        }
    }

    private static GzipParameters fastest() {
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(1);
        return parameters;
    }

    private static String uniqueId(BackupStore store, int generation, Instant now) {
        String id = ID.format(now);
        String candidate = id;
        for (int n = 2; Files.exists(store.baseDir(generation).resolve(candidate)); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }

    private static void abandon(Statement s, Exception cause) {
        try {
            s.execute("SELECT pg_backup_stop(false)");
        } catch (SQLException stop) {
            cause.addSuppressed(stop);
        }
    }

    private static int timeline(String label) {
        for (String line : label.split("\n")) {
            if (line.startsWith("START TIMELINE:")) {
                return Integer.parseInt(
                        line.substring("START TIMELINE:".length()).trim());
            }
        }
        throw new GeoDbException("the backup label has no START TIMELINE line:\n" + label);
    }

    private static long copyTree(Path data, TarArchiveOutputStream tar, Steps steps) throws IOException {
        long[] copied = {0, PROGRESS_EVERY};
        Files.walkFileTree(data, new BaseBackup.DataDirectoryWalk() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = data.relativize(dir);
                if (relative.toString().isEmpty()) {
                    return FileVisitResult.CONTINUE;
                }
                if (!BaseBackup.copied(relative, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                TarArchiveEntry entry = new TarArchiveEntry(relative + "/");
                entry.setMode(0700);
                entry.setModTime(attrs.lastModifiedTime());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
                if (relative.toString().equals("pg_wal")) {
                    for (String sub : new String[] {"pg_wal/archive_status/", "pg_wal/summaries/"}) {
                        TarArchiveEntry e = new TarArchiveEntry(sub);
                        e.setMode(0700);
                        tar.putArchiveEntry(e);
                        tar.closeArchiveEntry();
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = data.relativize(file);
                if (!attrs.isRegularFile() || !BaseBackup.copied(relative, false)) {
                    return FileVisitResult.CONTINUE;
                }
                long size = attrs.size();
                InputStream in;
                try {
                    in = Files.newInputStream(file);
                } catch (NoSuchFileException e) {
                    return FileVisitResult.CONTINUE; // dropped while copying: replay recreates or removes it
                }
                try (in) {
                    TarArchiveEntry entry = new TarArchiveEntry(relative.toString());
                    entry.setMode(0600);
                    entry.setSize(size);
                    entry.setModTime(attrs.lastModifiedTime());
                    tar.putArchiveEntry(entry);
                    // A file that grows or shrinks meanwhile is cut or padded to the size announced:
                    // WAL replay from the backup's start rewrites every block changed since.
                    long left = size;
                    byte[] buffer = new byte[65536];
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            java.util.Arrays.fill(buffer, (byte) 0);
                            while (left > 0) {
                                int pad = (int) Math.min(buffer.length, left);
                                tar.write(buffer, 0, pad);
                                left -= pad;
                            }
                            break;
                        }
                        tar.write(buffer, 0, n);
                        left -= n;
                    }
                    tar.closeArchiveEntry();
                }
                copied[0] += size;
                if (copied[0] >= copied[1]) {
                    steps.note("base backup: " + mb(copied[0]) + " copied");
                    copied[1] += PROGRESS_EVERY;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return copied[0];
    }

    private static void addText(TarArchiveOutputStream tar, String name, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0600);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static void deleteQuietly(Path dir) {
        try {
            io.hadr.geodb.internal.Trees.delete(dir);
        } catch (IOException e) {
            LOG.warn("Cannot remove the unfinished backup {}: {}", dir, e.toString());
        }
    }

    /** Counts the bytes that reach the file (after compression). */
    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
