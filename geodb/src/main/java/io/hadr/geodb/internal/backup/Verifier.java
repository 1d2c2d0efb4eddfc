package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.backup.VerifyReport;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.Trees;
import io.hadr.toolkit.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled test restore that backup tools leave to their users: the latest base backup of a
 * store is restored to a scratch location with every archived WAL segment after it; each segment
 * is checked against the checksum it had when it was first read, the replay must reach the last
 * archived record, the server must start and the records table must read. A missing or damaged
 * segment is named. The scratch server is removed afterwards, whatever happened.
 */
public final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    private static final Pattern LSN_IN_LOG =
            Pattern.compile("(?:at|record at|location) ([0-9A-F]{1,8}/[0-9A-F]{1,8})");

    private final BackupContext context;
    private final Restores restores;

    public Verifier(BackupContext context, Restores restores) {
        this.context = context;
        this.restores = restores;
    }

    /** Verifies the store of {@code region} (null: the primary's). */
    public VerifyReport verify(String region, Steps steps) {
        long started = System.nanoTime();
        BackupStore store = context.store(
                region != null ? region : context.group().group().primary().name());
        List<Catalog.GenerationView> views = context.views(store);
        Catalog.GenerationView view = null;
        for (int i = views.size() - 1; i >= 0 && view == null; i--) {
            if (!views.get(i).usableBackups().isEmpty()) {
                view = views.get(i);
            }
        }
        List<String> problems = new ArrayList<>();
        if (view == null) {
            problems.add("the store of '" + store.region() + "' has no base backup to verify");
            return new VerifyReport(
                    false,
                    store.region(),
                    context.generation(),
                    null,
                    0,
                    null,
                    null,
                    null,
                    0,
                    null,
                    elapsed(started),
                    problems);
        }
        BaseBackupMeta backup = view.usableBackups().stream()
                .max(Comparator.comparing(BaseBackupMeta::stoppedAt))
                .orElseThrow();
        steps.note("verifying base backup " + backup.id() + " of the store of '" + store.region() + "' (generation "
                + view.generation() + ") and the WAL after it");
        int checked = checkSegments(store, view, backup, problems, steps);
        WalChain chain = context.catalog().view(store, view.generation()).chain();
        if (chain.problem() != null) {
            problems.add(chain.problem());
        }
        // Replay goes to the last archived record, inclusive; PostgreSQL then reports the position
        // just past it (for a WAL switch, the end of its segment), which is where the chain ends.
        long expected = chain.lastRecordStart();
        long expectedEnd = chain.replayableEnd();
        if (Long.compareUnsigned(expected, backup.stopLsn()) < 0) {
            expected = backup.stopLsn();
            expectedEnd = backup.stopLsn();
        }
        String name = "verify-" + Long.toHexString(System.nanoTime());
        PostgresServer scratch = restores.server(name, FreePorts.pick());
        Restorer.Reached reached = null;
        Long records = null;
        try (BackupContext.InUse inUse = context.useRestoreDirectory(name)) {
            RestorePlanner.Plan plan = new RestorePlanner.Plan(
                    view,
                    backup,
                    Map.of("recovery_target_lsn", Lsn.format(expected), "recovery_target_inclusive", "on"),
                    view.history().timeline(),
                    "the last archived record at " + Lsn.format(expected));
            String command = context.scripts().restoreCommand(store.walDir(view.generation()));
            try {
                reached = Restorer.replay(scratch, store, plan, command, Restores.RESTORE_TIMEOUT, steps);
                steps.note("replay reached " + Lsn.format(reached.lsn()));
                if (reached.lsn() != expectedEnd) {
                    problems.add("the replay stopped at " + Lsn.format(reached.lsn()) + ", not at the end of the "
                            + "archived WAL, " + Lsn.format(expectedEnd));
                }
                records = countRecords(scratch);
                steps.note(
                        records == null
                                ? "the restored data has no records table"
                                : "records table reads: " + records + " rows");
            } catch (GeoDbException e) {
                problems.add("the replay of the archived WAL failed" + segmentIn(e.getMessage(), view) + ": "
                        + firstLine(e.getMessage()));
            }
        } finally {
            Restorer.stopQuietly(scratch);
            try {
                Trees.delete(context.restoresRoot().resolve(name));
            } catch (IOException e) {
                LOG.warn("Cannot remove the scratch restore {}: {}", name, e.toString());
            }
        }
        VerifyReport report = new VerifyReport(
                problems.isEmpty(),
                store.region(),
                view.generation(),
                backup.id(),
                checked,
                Lsn.format(expectedEnd),
                reached == null ? null : Lsn.format(reached.lsn()),
                reached == null ? null : reached.commitTime(),
                reached == null ? 0 : Math.max(0, reached.lsn() - backup.startLsn()),
                records,
                elapsed(started),
                problems);
        context.event(
                store.region(),
                null,
                report.ok() ? "verified" : "problems",
                "verify-backups: " + (report.ok() ? "ok" : String.join("; ", problems)));
        return report;
    }

    /**
     * Reads every segment from the backup's start again: its checksum must be the one it had
     * when it was first read, and its records must be valid. A damaged segment's summary is
     * dropped, so the store's restorable range stops before it from now on.
     */
    private int checkSegments(
            BackupStore store, Catalog.GenerationView view, BaseBackupMeta backup, List<String> problems, Steps steps) {
        WalIndex index = context.catalog().index(store, view.generation());
        int checked = 0;
        WalReader.State state = null;
        String predecessor = "-";
        for (SegmentSummary summary : view.chain().segments()) {
            WalFile file = WalFile.parse(summary.file()).orElseThrow();
            if (file.segno() < backup.startSegno()) {
                predecessor = summary.file();
                state = summary.state();
                continue;
            }
            Path path = store.walFile(view.generation(), summary.file());
            if (path == null) {
                problems.add("segment " + summary.file() + " is missing from the store of '" + store.region() + "'");
                index.forget(summary.file());
                break;
            }
            try {
                SegmentSummary now = WalIndex.read(summary.file(), path, file.segno(), predecessor, state);
                checked++;
                if (!now.sha256().equals(summary.sha256())) {
                    problems.add("segment " + summary.file() + " is damaged: its content changed since it was archived"
                            + (now.end().error() == null ? "" : " (" + now.end().error() + ")"));
                    index.forget(summary.file());
                    break;
                }
                if (!now.end().complete()) {
                    problems.add("segment " + summary.file() + " holds invalid WAL: "
                            + now.end().error());
                    break;
                }
                state = now.state();
                predecessor = summary.file();
            } catch (IOException e) {
                problems.add("segment " + summary.file() + " cannot be read: " + e.getMessage());
                index.forget(summary.file());
                break;
            }
        }
        steps.note(checked + " WAL segment(s) checked");
        return checked;
    }

    /** " in segment X" when the message names a WAL position. */
    private static String segmentIn(String message, Catalog.GenerationView view) {
        Matcher m = LSN_IN_LOG.matcher(message);
        String lsn = null;
        while (m.find()) {
            lsn = m.group(1);
        }
        if (lsn == null) {
            return "";
        }
        long segno = WalFile.segnoOf(Lsn.parse(lsn));
        return " at " + lsn + " in segment "
                + WalFile.segmentName(view.history().timelineOfSegment(segno), segno);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        String fatal = message.lines()
                .filter(l -> l.contains("FATAL") || l.contains("invalid") || l.contains("checksum"))
                .reduce((a, b) -> b)
                .orElse(null);
        return fatal == null ? first : first + " (" + fatal.strip() + ")";
    }

    private Long countRecords(PostgresServer server) {
        try (Connection c = server.sql().connect(context.config().databaseName(), 10, 120);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('public.records') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM records")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new GeoDbException("the restored data does not read: " + e.getMessage(), e);
        }
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
