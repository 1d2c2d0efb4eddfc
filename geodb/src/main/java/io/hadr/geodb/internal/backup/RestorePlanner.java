package io.hadr.geodb.internal.backup;

import io.hadr.geodb.backup.RestoreRefusedException;
import io.hadr.geodb.backup.RestoreTarget;
import io.hadr.geodb.internal.Lsn;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how a target is restored from one store, or refuses it with the range that can be
 * restored: never a restore to some other point than the one asked for.
 *
 * <p>A time target T is restored from the newest base backup that ended at or before T, on the
 * timeline path of the generation that holds T, and needs a transaction end after T in the
 * archived WAL (PostgreSQL stops before the first commit or abort later than T and fails when it
 * finds none). An LSN target needs a record at or after it; a mark needs its restore point record.
 * The latest target takes whatever the store holds, so it is never refused while a base backup
 * exists.
 */
public final class RestorePlanner {

    /**
     * How to restore.
     *
     * @param view the store generation it comes from
     * @param backup the base backup to start from
     * @param settings the {@code recovery_target_*} settings
     * @param timeline the {@code recovery_target_timeline}
     * @param description the target in words
     */
    public record Plan(
            Catalog.GenerationView view,
            BaseBackupMeta backup,
            Map<String, String> settings,
            int timeline,
            String description) {}

    private static final java.time.format.DateTimeFormatter PG_TIME = java.time.format.DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
            .withZone(java.time.ZoneOffset.UTC);

    private RestorePlanner() {}

    /**
     * @param views the store's generations, oldest first
     * @param now the current time (a later target is refused)
     * @throws RestoreRefusedException when the target is outside what the store can restore
     */
    public static Plan plan(List<Catalog.GenerationView> views, RestoreTarget target, Instant now) {
        Instant earliest = earliest(views);
        Instant latest = latest(views);
        String store = views.isEmpty() ? "?" : views.get(0).store().region();
        if (earliest == null) {
            throw new RestoreRefusedException(
                    RestoreRefusedException.Reason.NO_BACKUP,
                    "the backup store of '" + store + "' has no base backup yet; take one "
                            + "with 'hadr db backup' (one is taken at start and then on schedule)",
                    null,
                    latest);
        }
        if (target instanceof RestoreTarget.AtTime t) {
            return atTime(views, t.time().truncatedTo(ChronoUnit.MICROS), now, earliest, latest, store);
        }
        if (target instanceof RestoreTarget.AtLsn l) {
            return atLsn(views, Lsn.parse(l.lsn()), earliest, latest, store);
        }
        if (target instanceof RestoreTarget.Latest) {
            return atLatest(views, store);
        }
        return atMark(views, ((RestoreTarget.AtMark) target).name(), earliest, latest, store);
    }

    private static Plan atTime(
            List<Catalog.GenerationView> views,
            Instant time,
            Instant now,
            Instant earliest,
            Instant latest,
            String store) {
        if (time.isAfter(now)) {
            throw refused(
                    RestoreRefusedException.Reason.IN_FUTURE,
                    "is in the future (it is " + now + " now)",
                    time.toString(),
                    earliest,
                    latest,
                    store,
                    views);
        }
        for (int i = views.size() - 1; i >= 0; i--) {
            Catalog.GenerationView view = views.get(i);
            BaseBackupMeta backup = view.usableBackups().stream()
                    .filter(b -> !b.stoppedAt().isAfter(time))
                    .max(Comparator.comparing(BaseBackupMeta::stoppedAt))
                    .orElse(null);
            if (backup == null) {
                continue;
            }
            Instant last = view.chain().latestTime();
            if (last == null || !time.isBefore(last)) {
                throw refused(
                        RestoreRefusedException.Reason.BEYOND_ARCHIVE,
                        "is after the last archived transaction" + (last == null ? "" : " (" + last + ")")
                                + brokenChain(view),
                        time.toString(),
                        earliest,
                        latest,
                        store,
                        views);
            }
            Map<String, String> settings = new LinkedHashMap<>();
            // PostgreSQL's time input (it takes no ISO 'T'/'Z' here); microseconds, as commit times have.
            settings.put("recovery_target_time", PG_TIME.format(time));
            settings.put("recovery_target_inclusive", "on");
            return new Plan(view, backup, settings, view.history().timeline(), "time " + time);
        }
        throw refused(
                RestoreRefusedException.Reason.BEFORE_EARLIEST,
                "is before the earliest restore point",
                time.toString(),
                earliest,
                latest,
                store,
                views);
    }

    /**
     * The newest generation's newest base backup, replayed to the last archived record (as an
     * inclusive LSN target, so the server pauses there like any other restore and the point it
     * reached is known before it is promoted).
     */
    private static Plan atLatest(List<Catalog.GenerationView> views, String store) {
        for (int i = views.size() - 1; i >= 0; i--) {
            Catalog.GenerationView view = views.get(i);
            BaseBackupMeta backup = view.usableBackups().stream()
                    .max(Comparator.comparing(BaseBackupMeta::stopLsn, Long::compareUnsigned))
                    .orElse(null);
            if (backup == null) {
                continue;
            }
            long last = view.chain().lastRecordStart();
            long target = last >= 0 && Long.compareUnsigned(last, backup.stopLsn()) > 0 ? last : backup.stopLsn();
            return new Plan(
                    view,
                    backup,
                    Map.of("recovery_target_lsn", Lsn.format(target), "recovery_target_inclusive", "on"),
                    view.history().timeline(),
                    "the latest archived point (" + Lsn.format(target) + brokenChain(view) + ")");
        }
        throw new RestoreRefusedException(
                RestoreRefusedException.Reason.NO_BACKUP,
                "the backup store of '" + store + "' has no usable base backup; take one with 'hadr db backup'",
                null,
                null);
    }

    private static Plan atLsn(
            List<Catalog.GenerationView> views, long lsn, Instant earliest, Instant latest, String store) {
        Catalog.GenerationView view = views.get(views.size() - 1);
        BaseBackupMeta backup = view.usableBackups().stream()
                .filter(b -> Long.compareUnsigned(b.stopLsn(), lsn) <= 0)
                .max(Comparator.comparing(BaseBackupMeta::stopLsn, Long::compareUnsigned))
                .orElse(null);
        String what = "LSN " + Lsn.format(lsn);
        long first = view.usableBackups().stream()
                .mapToLong(BaseBackupMeta::stopLsn)
                .min()
                .orElse(-1);
        long last = view.chain().lastRecordStart();
        String range = "; this store restores LSNs from " + (first < 0 ? "none" : Lsn.format(first)) + " to "
                + (last < 0 ? "none" : Lsn.format(last)) + " (generation " + view.generation() + ")";
        if (backup == null) {
            throw new RestoreRefusedException(
                    RestoreRefusedException.Reason.BEFORE_EARLIEST,
                    "cannot restore to " + what + ": it is before the earliest base backup's " + "consistent point"
                            + range,
                    earliest,
                    latest);
        }
        if (last < 0 || Long.compareUnsigned(lsn, last) > 0) {
            throw new RestoreRefusedException(
                    RestoreRefusedException.Reason.BEYOND_ARCHIVE,
                    "cannot restore to " + what + ": it is beyond the last archived WAL" + brokenChain(view) + range,
                    earliest,
                    latest);
        }
        return new Plan(
                view,
                backup,
                Map.of("recovery_target_lsn", Lsn.format(lsn), "recovery_target_inclusive", "on"),
                view.history().timeline(),
                what);
    }

    private static Plan atMark(
            List<Catalog.GenerationView> views, String name, Instant earliest, Instant latest, String store) {
        for (int i = views.size() - 1; i >= 0; i--) {
            Catalog.GenerationView view = views.get(i);
            SegmentSummary.RestorePoint point = view.chain().restorePoints().stream()
                    .filter(p -> p.name().equals(name))
                    .reduce((a, b) -> b)
                    .orElse(null);
            if (point == null) {
                continue;
            }
            BaseBackupMeta backup = view.usableBackups().stream()
                    .filter(b -> Long.compareUnsigned(b.stopLsn(), point.lsn()) <= 0)
                    .max(Comparator.comparing(BaseBackupMeta::stopLsn, Long::compareUnsigned))
                    .orElse(null);
            if (backup == null) {
                throw new RestoreRefusedException(
                        RestoreRefusedException.Reason.BEFORE_EARLIEST,
                        "cannot restore to mark '" + name + "' (" + point.time() + ", "
                                + Lsn.format(point.lsn()) + "): no base backup of the store of '" + store
                                + "' ends before it"
                                + range(earliest, latest),
                        earliest,
                        latest);
            }
            return new Plan(
                    view,
                    backup,
                    Map.of("recovery_target_name", name),
                    view.history().timeline(),
                    "mark '" + name + "' (" + point.time() + ", " + Lsn.format(point.lsn()) + ")");
        }
        List<String> known = views.stream()
                .flatMap(v -> v.chain().restorePoints().stream())
                .map(p -> p.name())
                .distinct()
                .toList();
        throw new RestoreRefusedException(
                RestoreRefusedException.Reason.UNKNOWN_MARK,
                "cannot restore to mark '" + name + "': the archived WAL of the store of '"
                        + store + "' has no restore point of that name"
                        + (known.isEmpty() ? " (it has none)" : "; it has " + known) + range(earliest, latest),
                earliest,
                latest);
    }

    private static RestoreRefusedException refused(
            RestoreRefusedException.Reason reason,
            String why,
            String what,
            Instant earliest,
            Instant latest,
            String store,
            List<Catalog.GenerationView> views) {
        return new RestoreRefusedException(
                reason,
                "cannot restore to " + what + ": it " + why + range(earliest, latest) + " (backup store of '" + store
                        + "')",
                earliest,
                latest);
    }

    private static String range(Instant earliest, Instant latest) {
        if (earliest == null || latest == null || !latest.isAfter(earliest)) {
            return "; nothing can be restored yet"
                    + (earliest == null
                            ? ""
                            : " (the earliest restore point is " + earliest
                                    + " and no transaction after it is archived yet)");
        }
        return "; the valid range is from " + earliest + " to before " + latest;
    }

    private static String brokenChain(Catalog.GenerationView view) {
        return view.chain().problem() == null
                ? ""
                : "; the archive stops early: " + view.chain().problem();
    }

    /** The end of the oldest usable base backup of any generation, or null. */
    public static Instant earliest(List<Catalog.GenerationView> views) {
        return views.stream()
                .flatMap(v -> v.usableBackups().stream())
                .map(BaseBackupMeta::stoppedAt)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    /** The last archived transaction end of the newest generation that has one, or null. */
    public static Instant latest(List<Catalog.GenerationView> views) {
        for (int i = views.size() - 1; i >= 0; i--) {
            Instant t = views.get(i).chain().latestTime();
            if (t != null && !views.get(i).usableBackups().isEmpty()) {
                return t;
            }
        }
        return null;
    }
}
