package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.GeoDbTimeoutException;
import io.hadr.geodb.internal.AdminSql;
import io.hadr.geodb.internal.Deadline;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.RecoverySettings;
import io.hadr.geodb.internal.RoleSettings;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.WalArchiving;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a new server from a base backup and the archived WAL: the backup unpacked into an empty
 * data directory, {@code recovery.signal} with {@code restore_command} reading the store and the
 * target settings, replay until PostgreSQL pauses at the target, the point reached read, then
 * promotion. The live servers are never touched. Progress lines follow the segments PostgreSQL
 * restores from the archive.
 */
public final class Restorer {

    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    private static final Pattern RESTORED = Pattern.compile("restored log file \"([0-9A-F]{24})\" from archive");

    /**
     * What a replay reached.
     *
     * @param lsn the last replayed position
     * @param commitTime the last replayed transaction end, or null when none was replayed
     * @param timeline the timeline the server is on after promotion (or the one replayed, when not promoted)
     */
    public record Reached(long lsn, Instant commitTime, int timeline) {}

    private Restorer() {}

    /**
     * Unpacks {@code plan}'s base backup into {@code server}'s (empty) data directory, replays to
     * the plan's target and stops there, paused.
     *
     * @param restoreCommand the {@code restore_command}
     * @param deadline how long the whole replay may take
     * @return the point reached (the server still paused in recovery)
     * @throws GeoDbException with the server's last log lines when the replay fails or does not
     *     reach the target; the server is then stopped
     */
    public static Reached replay(
            PostgresServer server,
            BackupStore store,
            RestorePlanner.Plan plan,
            String restoreCommand,
            Duration deadline,
            Steps steps) {
        BaseBackupMeta backup = plan.backup();
        Path archive =
                store.baseBackupDir(plan.view().generation(), backup.id()).resolve(BaseBackupMeta.ARCHIVE);
        server.files().prepareDirectories();
        server.files().wipeData();
        long bytes = BaseBackupExtractor.extract(
                archive, backup.sha256(), server.files().dataDir());
        steps.note("base backup " + backup.id() + " unpacked (" + BaseBackupWriter.mb(bytes) + ", taken "
                + backup.stoppedAt() + ")");
        server.archiving(WalArchiving.OFF);
        server.recovery(new RecoverySettings(restoreCommand, plan.settings(), plan.timeline()));
        server.writeConfig(RoleSettings.primary(null, false));
        server.files().writePrivate("recovery.signal", "");
        server.files().prepareDirectories();
        long logStart = logSize(server.files().logFile());
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hadr-restore-progress-" + server.name());
            t.setDaemon(true);
            return t;
        });
        long firstSegno = backup.startSegno();
        long[] lastReported = {-1};
        progress.scheduleWithFixedDelay(
                () -> reportProgress(server, logStart, firstSegno, lastReported, steps), 2, 2, TimeUnit.SECONDS);
        try {
            server.start(deadline, "restoring to " + plan.description());
            steps.note("restored server accepts connections (consistent); replaying to " + plan.description());
            Deadline.await(
                    "'" + server.name() + "' to replay to " + plan.description(),
                    deadline,
                    Duration.ofMillis(200),
                    () -> {
                        if (!server.processAlive()) {
                            throw new GeoDbException("the restore stopped: PostgreSQL exited; last lines of "
                                    + server.files().logFile() + ":\n"
                                    + server.files().logTail(12));
                        }
                        return server.sql()
                                .queryOne(
                                        "SELECT pg_is_in_recovery() = false OR "
                                                + "pg_get_wal_replay_pause_state() = 'paused'",
                                        rs -> rs.getBoolean(1) ? Boolean.TRUE : null);
                    },
                    () -> "log " + server.files().logFile() + ":\n"
                            + server.files().logTail(5));
            reportProgress(server, logStart, firstSegno, lastReported, steps);
            return server.sql()
                    .queryOne(
                            "SELECT pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(), "
                                    + "(SELECT timeline_id FROM pg_control_checkpoint())",
                            rs -> {
                                Timestamp t = rs.getTimestamp(2);
                                return new Reached(
                                        Lsn.parse(rs.getString(1)), t == null ? null : t.toInstant(), rs.getInt(3));
                            });
        } catch (GeoDbTimeoutException e) {
            stopQuietly(server);
            throw new GeoDbException(
                    "the restore did not reach " + plan.description() + " within " + deadline + "; last lines of "
                            + server.files().logFile() + ":\n" + server.files().logTail(10),
                    e);
        } catch (SQLException | RuntimeException e) {
            stopQuietly(server);
            if (e instanceof GeoDbException g) {
                throw g;
            }
            throw new GeoDbException(
                    "the restore to " + plan.description() + " failed: " + e.getMessage() + "; last lines of "
                            + server.files().logFile() + ":\n" + server.files().logTail(10),
                    e);
        } finally {
            progress.shutdownNow();
        }
    }

    /**
     * Ends the paused recovery: promotes the server to a primary of its own (a new timeline) and
     * rewrites its configuration without the recovery settings.
     */
    public static int promote(PostgresServer server, Duration timeout) {
        try (AdminSql.Session session = server.sql().session(5, (int) Math.max(30, timeout.toSeconds()))) {
            session.execute("SELECT pg_promote(false)");
            Deadline.await(
                    "'" + server.name() + "' to leave recovery",
                    timeout,
                    Duration.ofMillis(50),
                    () -> session.inRecovery() ? null : Boolean.TRUE,
                    () -> "still in recovery");
            server.recovery(null);
            server.writeConfig(RoleSettings.primary(null, false));
            session.execute("SELECT pg_reload_conf()");
            return session.queryOne(
                    "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)",
                    rs -> Integer.parseInt(rs.getString(1), 16));
        } catch (SQLException e) {
            throw new GeoDbException(
                    "promoting the restored server '" + server.name() + "' failed: " + e.getMessage()
                            + "; last lines of " + server.files().logFile() + ":\n"
                            + server.files().logTail(10),
                    e);
        }
    }

    private static void reportProgress(
            PostgresServer server, long logStart, long firstSegno, long[] lastReported, Steps steps) {
        String restored = lastRestoredSegment(server.files().logFile(), logStart);
        if (restored == null) {
            return;
        }
        long segno = WalFile.parse(restored).map(WalFile::segno).orElse(-1L);
        if (segno > lastReported[0]) {
            lastReported[0] = segno;
            steps.note(
                    "replaying WAL: segment " + restored + " (" + (segno - firstSegno + 1) + " since the base backup)");
        }
    }

    /** The last segment PostgreSQL logged as restored from the archive since {@code from}. */
    static String lastRestoredSegment(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long start = Math.max(from, length - 64 * 1024);
            file.seek(start);
            byte[] tail = new byte[(int) (length - start)];
            file.readFully(tail);
            Matcher m = RESTORED.matcher(new String(tail, StandardCharsets.UTF_8));
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return last;
        } catch (IOException e) {
            return null;
        }
    }

    private static long logSize(Path log) {
        try {
            return java.nio.file.Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    static void stopQuietly(PostgresServer server) {
        try {
            if (server.processAlive()) {
                server.kill("restore abandoned");
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot stop '{}': {}", server.name(), e.getMessage());
        }
    }

    /** The target settings as text, for messages. */
    static String describe(Map<String, String> settings) {
        return settings.toString();
    }
}
