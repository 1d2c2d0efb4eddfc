package io.hadr.geodb.internal.backup;

import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.internal.Lsn;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * What hadr records about a base backup, in {@code backup.properties} beside its archive.
 *
 * @param id the backup's name, e.g. {@code base-20261127T180703Z}
 * @param generation the database generation it belongs to (a new one starts at each adopt)
 * @param server the server it was taken from
 * @param timeline the timeline it started on ({@code START TIMELINE} of its label)
 * @param startLsn where its WAL begins ({@code pg_backup_start})
 * @param stopLsn the first position from which a restore of it is consistent ({@code pg_backup_stop})
 * @param startedAt the database clock at {@code pg_backup_start}
 * @param stoppedAt the database clock after {@code pg_backup_stop}: the earliest time it restores to
 * @param bytes the size of its archive
 * @param dataBytes the size of the data files it holds
 * @param sha256 the checksum of its archive
 */
public record BaseBackupMeta(
        String id,
        int generation,
        String server,
        int timeline,
        long startLsn,
        long stopLsn,
        Instant startedAt,
        Instant stoppedAt,
        long bytes,
        long dataBytes,
        String sha256) {

    /** The archive file inside a backup's directory. */
    public static final String ARCHIVE = "base.tar.gz";
    /** This record's file inside a backup's directory. */
    public static final String FILE = "backup.properties";

    public String toText() {
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("generation", Integer.toString(generation));
        p.setProperty("server", server);
        p.setProperty("timeline", Integer.toString(timeline));
        p.setProperty("startLsn", Lsn.format(startLsn));
        p.setProperty("stopLsn", Lsn.format(stopLsn));
        p.setProperty("startedAt", startedAt.toString());
        p.setProperty("stoppedAt", stoppedAt.toString());
        p.setProperty("bytes", Long.toString(bytes));
        p.setProperty("dataBytes", Long.toString(dataBytes));
        p.setProperty("sha256", sha256);
        StringWriter out = new StringWriter();
        try {
            p.store(out, "hadr base backup");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when a field is missing or malformed */
    public static BaseBackupMeta parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
            return new BaseBackupMeta(
                    p.getProperty("id"),
                    Integer.parseInt(p.getProperty("generation")),
                    p.getProperty("server"),
                    Integer.parseInt(p.getProperty("timeline")),
                    Lsn.parse(p.getProperty("startLsn")),
                    Lsn.parse(p.getProperty("stopLsn")),
                    Instant.parse(p.getProperty("startedAt")),
                    Instant.parse(p.getProperty("stoppedAt")),
                    Long.parseLong(p.getProperty("bytes")),
                    Long.parseLong(p.getProperty("dataBytes")),
                    p.getProperty("sha256"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a base backup record: " + e.getMessage(), e);
        }
    }

    public long startSegno() {
        return WalFile.segnoOf(startLsn);
    }

    /** The public view of this backup as held by {@code store}'s region. */
    public BaseBackupInfo info(String store, Path directory) {
        return new BaseBackupInfo(
                id,
                generation,
                store,
                server,
                timeline,
                Lsn.format(startLsn),
                Lsn.format(stopLsn),
                startedAt,
                stoppedAt,
                bytes,
                dataBytes,
                directory);
    }
}
