package io.hadr.drill.engine;

import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.Platform;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Durations;
import io.hadr.core.topology.Topology;
import io.hadr.drill.measure.Sample;
import io.hadr.drill.measure.TimeSource;
import io.hadr.drill.measure.Timebase;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.spec.Action;
import io.hadr.drill.spec.RestorePoint;
import io.hadr.drill.spec.TrafficKind;
import io.hadr.drill.traffic.LoadGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Carries out a step's action on the platform and the traffic. Remembers what later steps refer
 * to: when each named step ran, which marks were made, the latest restore; and checks a restore
 * row by row against the drill's own writes.
 */
final class StepExecutor {

    /** The step failed in a way people should read (an expectation that did not hold, a refused reference). */
    static final class StepFailedException extends RuntimeException {
        StepFailedException(String message) {
            super(message);
        }
    }

    /** A lower bound before every write: the restore owes none of them. */
    private static final long NOTHING_OWED = Long.MIN_VALUE + 1;

    private final Platform platform;
    private final Topology topology;
    private final LoadGenerator traffic;
    private final Conditions conditions;
    private final TimeSource time;
    private final Timebase base;
    private final List<String> writers;
    private final Consumer<String> progress;
    private final Map<String, StepRecord> named = new HashMap<>();
    private final Map<String, StepRecord> marks = new HashMap<>();
    private volatile String lastRestore;
    private volatile DrillReport.Restore restore;

    StepExecutor(
            Platform platform,
            Topology topology,
            LoadGenerator traffic,
            Conditions conditions,
            TimeSource time,
            Timebase base,
            List<String> writers,
            Consumer<String> progress) {
        this.platform = platform;
        this.topology = topology;
        this.traffic = traffic;
        this.conditions = conditions;
        this.time = time;
        this.base = base;
        this.writers = writers;
        this.progress = progress;
    }

    /** The latest restore checked row by row, or null. */
    DrillReport.Restore restore() {
        return restore;
    }

    /**
     * Runs the action; returns a detail for the report.
     *
     * @throws InterruptedException when the drill is being aborted
     * @throws RuntimeException when the platform failed or an expectation did not hold
     */
    String execute(StepRecord record) throws InterruptedException {
        if (record.step.name() != null) {
            named.put(record.step.name(), record);
        }
        Action action = record.step.action();
        if (action instanceof Action.App app) {
            platform.app(app.region().id(), app.action());
            return null;
        }
        if (action instanceof Action.Scale scale) {
            int instances = scale.instances() == null ? topology.app().instancesPerRegion() : scale.instances();
            platform.scale(scale.region().id(), instances);
            return instances + (instances == 1 ? " instance" : " instances");
        }
        if (action instanceof Action.RegionChange region) {
            platform.region(region.region().id(), region.action());
            return null;
        }
        if (action instanceof Action.Failover failover) {
            FailoverResult result = platform.failover(failover.mode());
            return result.oldPrimary() + " → " + result.newPrimary() + " ("
                    + result.performed().word()
                    + (result.fallbackReason() == null ? "" : ", because " + result.fallbackReason()) + ") in "
                    + result.totalMs() + " ms";
        }
        if (action instanceof Action.Mark mark) {
            platform.mark(mark.name());
            marks.put(mark.name(), record);
            return null;
        }
        if (action instanceof Action.Restore restoreAction) {
            return restore(record, restoreAction);
        }
        if (action instanceof Action.Adopt adopt) {
            String name = adopt.restore() != null ? adopt.restore() : lastRestore;
            if (name == null) {
                throw new StepFailedException(
                        "there is no restore to adopt: no earlier step restored one; write db adopt NAME");
            }
            platform.adopt(name);
            return "adopted " + name;
        }
        if (action instanceof Action.Sql sql) {
            SqlTarget target = switch (sql.on()) {
                case LISTENER -> SqlTarget.readWriteListener();
                case SERVER -> SqlTarget.server(sql.name());
                case RESTORE -> {
                    String name = sql.name() != null ? sql.name() : lastRestore;
                    if (name == null) {
                        throw new StepFailedException(
                                "there is no restore to run SQL on: no earlier step restored one");
                    }
                    yield SqlTarget.restore(name);
                }
            };
            SqlResult result = platform.sql(target, substitute(sql.statement()));
            return result.command()
                    + (result.updateCount() != null
                            ? " " + result.updateCount() + " rows"
                            : " " + result.rows().size() + " rows");
        }
        if (action instanceof Action.Origin origin) {
            platform.origin(origin.region().id(), origin.change());
            return null;
        }
        if (action instanceof Action.Link link) {
            platform.link(link.fault());
            return null;
        }
        if (action instanceof Action.Wait wait) {
            sleep(wait.duration());
            return null;
        }
        if (action instanceof Action.Expect expect) {
            return expect(expect);
        }
        if (action instanceof Action.Traffic t) {
            for (TrafficKind kind : t.kind() == null ? List.of(TrafficKind.values()) : List.of(t.kind())) {
                if (t.pause()) {
                    traffic.pause(kind);
                } else {
                    traffic.resume(kind);
                }
            }
            return null;
        }
        throw new IllegalStateException("unhandled action " + action);
    }

    /** {@code ${writers}}: the drill's writers as a quoted SQL list; {@code ${writer}}: the first one. */
    String substitute(String statement) {
        String list = writers.stream().map(w -> "'" + w + "'").collect(Collectors.joining(", "));
        return statement.replace("${writers}", list).replace("${writer}", "'" + writers.get(0) + "'");
    }

    private String expect(Action.Expect expect) throws InterruptedException {
        long start = time.nanos();
        long deadline = start + expect.within().toNanos();
        Conditions.Check last;
        while (true) {
            last = conditions.check(expect.condition());
            long now = time.nanos();
            if (last.holds()) {
                return "held after " + seconds(now - start) + ": " + last.observed();
            }
            if (now >= deadline) {
                throw new StepFailedException("'" + expect.condition().text() + "' did not hold within "
                        + Durations.format(expect.within()) + "; " + last.observed());
            }
            // The status may cost a call to a cloud API (rate-limited on Azure): ask it less often than the traffic.
            long pause = expect.condition().needsStatus() ? 500 : 100;
            Thread.sleep(Math.max(1, Math.min(pause, (deadline - now) / 1_000_000)));
        }
    }

    private void sleep(Duration duration) throws InterruptedException {
        long end = time.nanos() + duration.toNanos();
        long left;
        while ((left = end - time.nanos()) > 0) {
            Thread.sleep(Math.min(left / 1_000_000 + 1, 200));
        }
    }

    private String restore(StepRecord record, Action.Restore action) {
        long stepStart = record.startNanos;
        RestoreTarget target;
        long lo;
        long hi;
        Instant targetTime;
        RestorePoint point = action.point();
        if (point instanceof RestorePoint.At at) {
            target = new RestoreTarget.AtTime(at.time());
            lo = hi = base.originNanos()
                    + Duration.between(base.originWall(), at.time()).toNanos();
            targetTime = at.time();
        } else if (point instanceof RestorePoint.Now) {
            // As far as the backups reach; the point it reached is known only afterwards (below).
            targetTime = base.wallAt(stepStart);
            target = new RestoreTarget.Latest();
            lo = hi = stepStart;
        } else if (point instanceof RestorePoint.AroundStep around) {
            StepRecord referenced = named.get(around.step());
            if (referenced == null || !referenced.ran()) {
                throw new StepFailedException("step '" + around.step() + "' did not run, so there is no time "
                        + (around.before() ? "before" : "after") + " it to restore to");
            }
            long at = around.before() ? referenced.startNanos : referenced.endNanos;
            targetTime = base.wallAt(at);
            target = new RestoreTarget.AtTime(targetTime);
            lo = hi = at;
        } else if (point instanceof RestorePoint.Mark mark) {
            StepRecord marked = marks.get(mark.name());
            if (marked == null) {
                throw new StepFailedException("mark '" + mark.name() + "' was not made in this drill");
            }
            target = new RestoreTarget.AtMark(mark.name());
            lo = marked.startNanos;
            hi = marked.endNanos;
            targetTime = base.wallAt(marked.endNanos);
        } else {
            target = new RestoreTarget.AtLsn(((RestorePoint.Lsn) point).lsn());
            lo = hi = Long.MIN_VALUE;
            targetTime = null;
        }
        progress.accept("restoring to " + point.text() + (targetTime == null ? "" : " (" + targetTime + ")")
                + (action.from() == null ? "" : " from " + action.from().id() + "'s backups"));
        RestoreResult result = platform.restore(new RestoreRequest(
                target,
                action.as(),
                action.from() == null ? null : action.from().id()));
        lastRestore = result.name();
        // A restore to "now" (the latest a geo-restore can reach) is judged by the point it reached:
        // what it could not reach is data lost, which the RPO counts, not an inexact restore.
        if ((lo == Long.MIN_VALUE || point instanceof RestorePoint.Now) && result.reachedCommitTime() != null) {
            lo = hi = base.originNanos()
                    + Duration.between(base.originWall(), result.reachedCommitTime())
                            .toNanos();
            targetTime = result.reachedCommitTime();
        } else if (point instanceof RestorePoint.Now) {
            // No transaction was replayed: the restore is a base backup's consistent state, so no
            // write of this drill is owed, and none sent after the step began may be there.
            lo = NOTHING_OWED;
            targetTime = null;
        }
        restore = verify(result, point, targetTime, lo, hi);
        String verdict = restore.error() != null
                ? "not checked: " + restore.error()
                : restore.exact() && restore.expectedRows() == 0
                        ? "exact: it reached no write of this drill, and holds none"
                        : restore.exact()
                                ? "exact: all " + restore.expectedRows()
                                        + " rows acknowledged before the target are there, none after"
                                : restore.missingIds().size() + " rows missing, "
                                        + restore.unexpectedIds().size() + " rows from after the target";
        return "restored " + result.name() + " in " + result.took().toMillis() + " ms; " + verdict;
    }

    /**
     * Row by row: every write acknowledged before {@code lo} must be in the restore, no write sent
     * after {@code hi} may be; writes in flight across the target may go either way.
     */
    private DrillReport.Restore verify(RestoreResult result, RestorePoint point, Instant targetTime, long lo, long hi) {
        long took = result.took().toMillis();
        String name = result.name();
        if (lo == Long.MIN_VALUE) {
            return unchecked(result, point, null, "the platform did not say which commit the restore reached");
        }
        if (!platform.capabilities().contains(io.hadr.core.platform.Capability.SQL)) {
            return unchecked(
                    result, point, targetTime, "the platform cannot run SQL, so the restored rows cannot be read");
        }
        Set<String> restored = new HashSet<>();
        try {
            // A restore to before the app first created its table has no records at all.
            SqlResult table = platform.sql(
                    SqlTarget.restore(name),
                    "SELECT CASE WHEN to_regclass('records') IS NULL THEN 'absent' ELSE 'present' END");
            if (!table.rows().isEmpty() && "present".equals(table.rows().get(0).get(0))) {
                SqlResult rows = platform.sql(
                        SqlTarget.restore(name), substitute("SELECT id FROM records WHERE writer IN (${writers})"));
                for (List<String> row : rows.rows()) {
                    restored.add(row.get(0));
                }
            }
        } catch (RuntimeException e) {
            return unchecked(result, point, targetTime, "reading the restored rows failed: " + e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        Set<String> sent = new HashSet<>();
        int expected = 0;
        int inFlight = 0;
        for (Sample write : traffic.samples()) {
            if (write.kind() != TrafficKind.WRITES) {
                continue;
            }
            sent.add(write.id());
            boolean there = restored.contains(write.id());
            if (write.ok() && write.endNanos() < lo) {
                expected++;
                if (!there) {
                    missing.add(write.id());
                }
            } else if (write.sendNanos() > hi) {
                if (there) {
                    unexpected.add(write.id());
                }
            } else {
                inFlight++;
            }
        }
        for (String id : restored) {
            if (!sent.contains(id)) {
                unexpected.add(id);
            }
        }
        boolean exact = missing.isEmpty() && unexpected.isEmpty();
        return new DrillReport.Restore(
                name,
                point.text(),
                targetTime,
                result.reachedCommitTime(),
                result.reachedLsn(),
                expected,
                restored.size(),
                exact,
                took,
                inFlight,
                first(missing),
                first(unexpected),
                null);
    }

    /** A restore whose rows could not be checked, and why. */
    private static DrillReport.Restore unchecked(
            RestoreResult result, RestorePoint point, Instant targetTime, String why) {
        return new DrillReport.Restore(
                result.name(),
                point.text(),
                targetTime,
                result.reachedCommitTime(),
                result.reachedLsn(),
                0,
                0,
                false,
                result.took().toMillis(),
                0,
                List.of(),
                List.of(),
                why);
    }

    private static List<String> first(List<String> ids) {
        return List.copyOf(ids.subList(0, Math.min(ids.size(), 1000)));
    }

    static String seconds(long nanos) {
        return String.format("%.1fs", nanos / 1e9);
    }
}
