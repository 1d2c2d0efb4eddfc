package io.hadr.drill.engine;

import io.hadr.core.platform.Platform;
import io.hadr.core.topology.Durations;
import io.hadr.core.topology.Topology;
import io.hadr.drill.ProgressListener;
import io.hadr.drill.RunOptions;
import io.hadr.drill.Verdict;
import io.hadr.drill.measure.Rpo;
import io.hadr.drill.measure.Rto;
import io.hadr.drill.measure.Sample;
import io.hadr.drill.measure.TimeSource;
import io.hadr.drill.measure.Timebase;
import io.hadr.drill.measure.Timeline;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.Probe;
import io.hadr.drill.spec.Rollbacks;
import io.hadr.drill.spec.Safeguard;
import io.hadr.drill.spec.TrafficKind;
import io.hadr.drill.traffic.LoadGenerator;
import io.hadr.drill.traffic.RecordsReader;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one drill against one platform and gathers its evidence: drives traffic through the
 * endpoint for the whole run, checks the steady state, runs the method step by step under the
 * safeguards, rolls back as the drill says, reads every writer's records back, and computes RTO,
 * RPO and the phases from the requests themselves.
 *
 * <p>Order: traffic starts → steady state before (the method does not start when it fails) →
 * method (a failed step or expectation ends it; a crossed safeguard aborts it) → steady state
 * after → rollbacks → traffic drains → read-back → measurements.
 */
public final class DrillEngine {

    /** How long an aborted step may take to return before the rollbacks start regardless. */
    private static final Duration ABORT_GRACE = Duration.ofMinutes(2);

    private static final DateTimeFormatter WRITER_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    private final Drill drill;
    private final Platform platform;
    private final RunOptions options;
    private final Topology topology;
    private final Plan plan;
    private final TimeSource time;
    private final ProgressListener progress;
    private final List<String> notes = new ArrayList<>();
    private Timebase base;
    private Conditions conditions;
    /** Why the drill was stopped from outside (its thread was interrupted), or null. */
    private volatile String aborted;

    private static final String INTERRUPTED = "interrupted (the drill's thread was interrupted, e.g. by Ctrl-C)";

    public DrillEngine(Drill drill, Platform platform, RunOptions options) {
        this.drill = drill;
        this.platform = platform;
        this.options = options;
        this.topology = platform.topology();
        this.time = options.time();
        this.progress = options.progress();
        this.plan = new Plan(
                drill, topology, platform.kind(), platform.capabilities(), options.objectives(), options.maxDuration());
    }

    public Plan plan() {
        return plan;
    }

    /**
     * Runs the drill; returns its evidence. Interrupting the thread that runs it aborts it like a
     * crossed safeguard: the method stops, the rollbacks run, the evidence is read and reported
     * (verdict {@code ABORTED}). A second interrupt skips the remaining waits and the read-back,
     * and is passed on: the thread's interrupt flag is set when this returns.
     */
    public DrillReport run() throws InterruptedException {
        base = Timebase.of(time);
        List<StepRecord> method = plan.method();
        List<StepRecord> rollbacks = plan.rollbacks();
        // A drill without one of its steps is another drill, whose numbers would be passed off as this
        // one's (a forced failover without the partition before it loses nothing): unless the step
        // says it is optional, a step the platform cannot do makes the whole drill not applicable.
        for (StepRecord record : method) {
            if (record.otherStrategy == null && record.notApplicable != null && !record.step.optional()) {
                return notApplicable(method, rollbacks, record);
            }
        }
        List<String> writers = writers();
        say("traffic to " + platform.endpoint() + ": " + fmt(drill.traffic().readsPerSecond()) + " reads/s, "
                + fmt(drill.traffic().writesPerSecond()) + " writes/s as " + String.join(", ", writers));

        TrafficWatch watch = new TrafficWatch(time, options.progressInterval(), progress::line, this::clock);
        LoadGenerator traffic = new LoadGenerator(platform.endpoint(), drill.traffic(), writers, time, watch);
        StatusSampler status = new StatusSampler(platform, time, options.statusInterval());
        conditions = new Conditions(traffic, platform);
        StepExecutor executor =
                new StepExecutor(platform, topology, traffic, conditions, time, base, writers, this::say);

        List<DrillReport.ProbeResult> before = List.of();
        List<DrillReport.ProbeResult> after = List.of();
        Verdict verdict = Verdict.PASS;
        String reason = null;
        boolean rolledBack = false;
        String tripped = null;
        boolean interruptedLate = false;
        ReadBack readBack = null;
        try {
            status.start();
            watch.start();
            traffic.start();

            try {
                before = steadyState("before", traffic, conditions, Duration.ZERO);
            } catch (InterruptedException e) {
                aborted = INTERRUPTED;
            }
            List<DrillReport.ProbeResult> failedBefore =
                    before.stream().filter(p -> !p.verdict().equals("PASS")).toList();
            if (aborted != null) {
                verdict = Verdict.ABORTED;
                reason = aborted + " before the method started; nothing was done";
                say(reason);
            } else if (!failedBefore.isEmpty()) {
                verdict = Verdict.ABORTED;
                reason = "the steady state did not hold before the method, so it did not start: "
                        + describe(failedBefore);
                say(reason);
            } else {
                String failure = runMethod(method, executor, watch);
                tripped = watch.tripped();
                if (aborted != null) {
                    verdict = Verdict.ABORTED;
                    reason = aborted + ": the method was stopped";
                } else if (tripped != null) {
                    verdict = Verdict.ABORTED;
                    reason = "safeguard crossed, drill aborted: " + tripped;
                } else if (failure != null) {
                    verdict = Verdict.FAIL;
                    reason = failure;
                } else {
                    // Enough traffic after the method for a recovery to show as a sustained run.
                    Duration tail = drill.traffic().sustained().plusMillis(500);
                    try {
                        after = steadyState("after", traffic, conditions, tail);
                    } catch (InterruptedException e) {
                        aborted = INTERRUPTED;
                        verdict = Verdict.ABORTED;
                        reason = aborted + " while the steady state after the method was watched";
                    }
                    List<DrillReport.ProbeResult> failedAfter = after.stream()
                            .filter(p -> !p.verdict().equals("PASS"))
                            .toList();
                    if (!failedAfter.isEmpty()) {
                        verdict = Verdict.FAIL;
                        reason = "the steady state did not hold after the method: " + describe(failedAfter);
                        say(reason);
                    }
                }
                Rollbacks.When when = drill.rollbacks().when();
                boolean deviated = verdict != Verdict.PASS;
                if (!rollbacks.isEmpty()
                        && (when == Rollbacks.When.ALWAYS || (when == Rollbacks.When.ON_DEVIATION && deviated))) {
                    say("rolling back (" + when.word() + ")");
                    runRollbacks(rollbacks, executor);
                    rolledBack = true;
                } else if (!rollbacks.isEmpty()) {
                    say("no rollback: "
                            + (when == Rollbacks.When.NEVER
                                    ? "the drill never rolls back"
                                    : "the drill did not deviate"));
                }
            }
            // From here on an interrupt only shortens the waits: the evidence is still gathered and reported.
            try {
                if (rolledBack) {
                    sleep(drill.traffic().sustained().plusMillis(500));
                }
                say("stopping traffic; waiting for answers to requests still in flight");
                if (!traffic.stop(drill.traffic().requestTimeout().plusSeconds(5))) {
                    notes.add("some requests had no answer when the traffic stopped; they are not counted");
                }
            } catch (InterruptedException e) {
                interruptedLate = true;
                notes.add("interrupted while the traffic drained; requests still in flight are not counted");
            }
        } finally {
            watch.close();
            status.close();
            traffic.close();
        }
        LoadGenerator.Lag lag = traffic.lag();
        if (lag.sends() > 0 && lag.lateSends() * 100 > lag.sends()) {
            notes.add(String.format(
                    Locale.ROOT,
                    "the load generator fell behind its schedule: %d of %d requests went out more"
                            + " than 50 ms late (at worst %.0f ms); the machine was too busy for these rates, so times are"
                            + " coarser than the request interval",
                    lag.lateSends(),
                    lag.sends(),
                    lag.maxLagNanos() / 1e6));
        }
        if (status.failures() > 0) {
            notes.add(status.failures() + " status samples failed (last: " + status.lastError() + "); detection and"
                    + " failover times come from the samples that answered");
        }

        List<Sample> samples = traffic.samples();
        if (drill.traffic().writesPerSecond() > 0) {
            if (interruptedLate) {
                readBack = new ReadBack(Set.of(), "not read back: the drill was interrupted again");
            } else {
                try {
                    readBack = readBack(traffic, writers);
                } catch (InterruptedException e) {
                    interruptedLate = true;
                    readBack =
                            new ReadBack(Set.of(), "not read back: the drill was interrupted again while reading back");
                }
            }
        }
        DrillReport report = report(
                method,
                rollbacks,
                rolledBack,
                samples,
                status.points(),
                readBack,
                executor.restore(),
                before,
                after,
                verdict,
                reason,
                writers);
        if (interruptedLate) {
            // Whoever interrupted twice wants to know, once the report is in hand.
            Thread.currentThread().interrupt();
        }
        return report;
    }

    // ---- method and rollbacks ------------------------------------------------------------------

    /** Runs the method on its own thread so that a crossed safeguard can interrupt it; returns the failure or null. */
    private String runMethod(List<StepRecord> method, StepExecutor executor, TrafficWatch watch) {
        AtomicReference<String> failure = new AtomicReference<>();
        Thread thread = new Thread(
                () -> {
                    for (StepRecord record : method) {
                        if (Thread.currentThread().isInterrupted()) {
                            record.status = StepRecord.Status.ABORTED;
                            record.detail = "not started: the drill was aborted";
                            continue;
                        }
                        String error = runStep(record, executor, method.size(), "step");
                        if (error != null && failure.get() == null) {
                            failure.set(error);
                        }
                        if (failure.get() != null) {
                            for (StepRecord rest : method.subList(method.indexOf(record) + 1, method.size())) {
                                rest.status = StepRecord.Status.SKIPPED;
                                rest.detail = "not started: an earlier step failed";
                            }
                            return;
                        }
                    }
                },
                "drill-method");
        List<Safeguard> safeguards = new ArrayList<>(drill.safeguards());
        safeguards.add(new Safeguard.MaxDuration(
                "duration above " + Durations.format(options.maxDuration()) + " (hadr's limit)",
                0,
                options.maxDuration()));
        watch.arm(safeguards, crossed -> {
            say("SAFEGUARD crossed: " + crossed + "; aborting the method");
            thread.interrupt();
        });
        thread.start();
        long trippedAt = 0;
        while (thread.isAlive()) {
            try {
                thread.join(200);
            } catch (InterruptedException e) {
                if (aborted == null) {
                    aborted = INTERRUPTED;
                    say("INTERRUPTED: aborting the method; the rollbacks run and the report is written");
                    thread.interrupt();
                }
                trippedAt = trippedAt == 0 ? time.nanos() : trippedAt;
            }
            if (aborted != null && time.nanos() - trippedAt > ABORT_GRACE.toNanos() && thread.isAlive()) {
                notes.add("the step running when the drill was interrupted had not returned "
                        + Durations.format(ABORT_GRACE) + " later; the rollbacks ran while it was still going");
                break;
            }
            if (watch.tripped() != null) {
                trippedAt = trippedAt == 0 ? time.nanos() : trippedAt;
                if (time.nanos() - trippedAt > ABORT_GRACE.toNanos() && thread.isAlive()) {
                    // A platform call that ignores the interrupt must not keep the rollbacks waiting for ever.
                    notes.add("the step running when the safeguard was crossed had not returned "
                            + Durations.format(ABORT_GRACE) + " later; the rollbacks ran while it was still going");
                    break;
                }
            }
        }
        watch.disarm();
        return failure.get();
    }

    private void runRollbacks(List<StepRecord> rollbacks, StepExecutor executor) {
        for (StepRecord record : rollbacks) {
            // A rollback step that fails does not stop the others: put back as much as can be put back.
            runStep(record, executor, rollbacks.size(), "rollback");
        }
    }

    /** Runs one step; returns a failure to report, or null. */
    private String runStep(StepRecord record, StepExecutor executor, int total, String what) {
        String label = what + " " + record.number + "/" + total + " " + record.step.text();
        if (record.otherStrategy != null) {
            record.status = StepRecord.Status.SKIPPED;
            record.detail = record.otherStrategy;
            say(label + ": skipped, " + record.otherStrategy);
            return null;
        }
        if (record.notApplicable != null) {
            record.status = StepRecord.Status.NOT_APPLICABLE;
            record.detail = record.notApplicable;
            say(label + ": NOT APPLICABLE, " + record.notApplicable);
            return null;
        }
        if (record.step.onlyIf() != null) {
            Conditions.Check check = conditions.check(record.step.onlyIf());
            if (!check.holds()) {
                record.status = StepRecord.Status.SKIPPED;
                record.detail = "'" + record.step.onlyIf().text() + "' does not hold: " + check.observed();
                say(label + ": skipped, " + record.detail);
                return null;
            }
        }
        say(label + (record.step.fault() ? "  (the fault)" : "") + " …");
        record.startNanos = time.nanos();
        try {
            record.detail = executor.execute(record);
            record.endNanos = time.nanos();
            record.status = StepRecord.Status.DONE;
            say(label + ": done in " + StepExecutor.seconds(record.endNanos - record.startNanos)
                    + (record.detail == null ? "" : "; " + record.detail));
            return null;
        } catch (InterruptedException e) {
            record.endNanos = time.nanos();
            record.status = StepRecord.Status.ABORTED;
            record.detail = "aborted after " + StepExecutor.seconds(record.endNanos - record.startNanos);
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            record.endNanos = time.nanos();
            record.status = StepRecord.Status.FAILED;
            record.detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            say(label + ": FAILED: " + record.detail);
            return what + " " + record.number + " (" + record.step.text() + ", line " + record.step.line()
                    + ") failed: " + record.detail;
        }
    }

    // ---- steady state --------------------------------------------------------------------------

    private List<DrillReport.ProbeResult> steadyState(
            String when, LoadGenerator traffic, Conditions conditions, Duration atLeast) throws InterruptedException {
        Duration window = drill.steadyState().window();
        Duration wait = window.compareTo(atLeast) < 0 ? atLeast : window;
        say("steady state " + when + ": watching " + Durations.format(wait) + " of traffic");
        long waitStart = time.nanos();
        sleep(wait);
        long end = time.nanos();
        long start = Math.max(waitStart, end - window.toNanos());
        // Judge every request sent in the window, the slow ones too: on a busy machine answers take
        // longer than the window, and judging only the fast ones would hide trouble (or find none).
        // A request without an answer by its timeout is a failure, so this wait is bounded.
        traffic.awaitAnswers(end, drill.traffic().requestTimeout().plusSeconds(2));
        List<Sample> samples = traffic.samples().stream()
                .filter(s -> s.sendNanos() >= start && s.sendNanos() <= end)
                .toList();
        List<DrillReport.ProbeResult> results = new ArrayList<>();
        for (Probe probe : drill.steadyState().probes()) {
            DrillReport.ProbeResult result = probe(probe, samples, conditions);
            results.add(result);
            say("  " + result.verdict() + "  " + probe.text() + ": " + result.measured());
        }
        return results;
    }

    private DrillReport.ProbeResult probe(Probe probe, List<Sample> window, Conditions conditions) {
        if (probe.measure() == Probe.Measure.STATUS) {
            Conditions.Check check = conditions.check(probe.condition());
            return new DrillReport.ProbeResult(
                    probe.text(), probe.line(), check.observed(), check.holds() ? "PASS" : "FAIL");
        }
        List<Sample> ofKind =
                window.stream().filter(s -> s.kind() == probe.kind()).toList();
        if (ofKind.isEmpty()) {
            return new DrillReport.ProbeResult(
                    probe.text(), probe.line(), "no " + probe.kind().word() + " answered in the window", "FAIL");
        }
        long ok = ofKind.stream().filter(Sample::ok).count();
        double percent;
        String measured;
        if (probe.measure() == Probe.Measure.SUCCEED) {
            percent = 100.0 * ok / ofKind.size();
            measured = String.format(Locale.ROOT, "%.1f%% of %d succeeded", percent, ofKind.size());
        } else {
            long fromRegion = ofKind.stream()
                    .filter(s -> s.ok() && probe.region().displayName().equals(s.region()))
                    .count();
            percent = ok == 0 ? 0 : 100.0 * fromRegion / ok;
            measured = String.format(
                    Locale.ROOT,
                    "%.1f%% of %d successes from %s",
                    percent,
                    ok,
                    probe.region().displayName());
        }
        return new DrillReport.ProbeResult(
                probe.text(), probe.line(), measured, percent >= probe.minPercent() ? "PASS" : "FAIL");
    }

    // ---- read-back -----------------------------------------------------------------------------

    private record ReadBack(Set<String> present, String error) {}

    private ReadBack readBack(LoadGenerator traffic, List<String> writers) throws InterruptedException {
        // A client of its own: the load generator's is closed with its threads once the traffic has stopped.
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        RecordsReader reader = new RecordsReader(client, platform.endpoint(), Duration.ofSeconds(60));
        Set<String> present = new HashSet<>();
        for (String writer : writers) {
            say("reading back " + writer + " through the endpoint");
            try {
                RecordsReader.ReadBack back = reader.read(writer, 10, Duration.ofSeconds(90), this::say);
                back.records().forEach(r -> present.add(r.id()));
                say("  " + back.records().size() + " records of " + writer + " are there");
            } catch (RecordsReader.ReadFailedException e) {
                say("  " + e.getMessage());
                return new ReadBack(Set.of(), e.getMessage());
            }
        }
        return new ReadBack(present, null);
    }

    // ---- the report ----------------------------------------------------------------------------

    private DrillReport report(
            List<StepRecord> method,
            List<StepRecord> rollbacks,
            boolean rolledBack,
            List<Sample> samples,
            List<StatusSampler.Point> statusPoints,
            ReadBack readBack,
            DrillReport.Restore restore,
            List<DrillReport.ProbeResult> before,
            List<DrillReport.ProbeResult> after,
            Verdict verdict,
            String reason,
            List<String> writers) {
        Instant endedAt = time.now();
        List<StepRecord> faultSteps =
                method.stream().filter(r -> r.step.fault() && r.ran()).toList();
        List<Long> faults =
                new ArrayList<>(faultSteps.stream().map(r -> r.startNanos).toList());
        List<String> faultNames =
                new ArrayList<>(faultSteps.stream().map(r -> r.step.text()).toList());
        if (faults.isEmpty()) {
            long methodStart = method.stream()
                    .filter(StepRecord::ran)
                    .mapToLong(r -> r.startNanos)
                    .min()
                    .orElse(base.originNanos());
            faults.add(methodStart);
            faultNames.add("the start of the method (no fault step ran)");
            notes.add("no fault step ran; RTO is measured from the start of the method");
        }
        long zero = faults.get(0);
        long sustained = drill.traffic().sustained().toNanos();
        List<Sample> reads =
                samples.stream().filter(s -> s.kind() == TrafficKind.READS).toList();
        List<Sample> writes =
                samples.stream().filter(s -> s.kind() == TrafficKind.WRITES).toList();

        List<DrillReport.Fault> faultReports = new ArrayList<>();
        List<DrillReport.Phase> phases = new ArrayList<>();
        Long readsRto = 0L;
        Long writesRto = 0L;
        for (int i = 0; i < faults.size(); i++) {
            long fault = faults.get(i);
            long next = i + 1 < faults.size() ? faults.get(i + 1) : Long.MAX_VALUE;
            Rto r = Rto.compute(reads, fault, next, sustained);
            Rto w = Rto.compute(writes, fault, next, sustained);
            readsRto = reads.isEmpty() ? readsRto : worst(readsRto, r.rtoMs());
            writesRto = writes.isEmpty() ? writesRto : worst(writesRto, w.rtoMs());
            faultReports.add(new DrillReport.Fault(
                    i + 1,
                    faultNames.get(i),
                    base.wallAt(fault),
                    reads.isEmpty() ? null : r.rtoMs(),
                    writes.isEmpty() ? null : w.rtoMs(),
                    r.failedRequests(),
                    w.failedRequests()));
            Integer number = i + 1;
            phases.add(phase("fault injected", fault, zero, number));
            if (!reads.isEmpty()) {
                addRtoPhases(phases, "reads", r, zero, number);
            }
            if (!writes.isEmpty()) {
                addRtoPhases(phases, "writes", w, zero, number);
            }
            addStatusPhases(phases, statusPoints, fault, next, zero, number);
            Long moved = trafficMoved(reads, fault, next);
            if (moved != null) {
                phases.add(phase("traffic moved (reads)", moved, zero, number));
            }
        }
        phases.sort(Comparator.comparingLong(DrillReport.Phase::atMs));

        Rpo rpo = readBack == null || readBack.error() != null ? null : Rpo.count(writes, readBack.present(), faults);
        List<DrillReport.Objective> objectives = new ArrayList<>();
        objectives.add(rtoObjective(
                reads.isEmpty() ? null : readsRto,
                writes.isEmpty() ? null : writesRto,
                !reads.isEmpty(),
                !writes.isEmpty()));
        if (!writes.isEmpty() || drill.traffic().writesPerSecond() > 0) {
            objectives.add(rpoObjective(rpo, readBack));
        }
        if (restore != null) {
            objectives.add(new DrillReport.Objective(
                    "restore",
                    "exact",
                    restore.error() != null
                            ? "not checked"
                            : restore.exact()
                                    ? "exact"
                                    : restore.missingIds().size() + " missing, "
                                            + restore.unexpectedIds().size() + " unexpected",
                    null,
                    restore.error() == null && restore.exact() ? "PASS" : "FAIL",
                    restore.error() != null
                            ? restore.error()
                            : restore.expectedRows() + " rows expected, " + restore.restoredRows() + " restored, "
                                    + restore.inFlightAtTarget() + " in flight at the target"));
        }
        if (verdict == Verdict.PASS
                && objectives.stream().anyMatch(o -> o.verdict().equals("FAIL"))) {
            verdict = Verdict.FAIL;
            reason = "objectives not met: "
                    + String.join(
                            "; ",
                            objectives.stream()
                                    .filter(o -> o.verdict().equals("FAIL"))
                                    .map(o -> o.name().toUpperCase(Locale.ROOT) + " " + o.measured() + " against "
                                            + o.target())
                                    .toList());
        }

        Timeline timeline = Timeline.of(samples, base, bucketMs(samples));
        DrillReport.Chart chart = new DrillReport.Chart(
                timeline.bucketMs(),
                timeline.bucketStarts().stream()
                        .map(ms -> Math.round(ms - base.msAt(zero)))
                        .toList(),
                timeline.regions(),
                new DrillReport.Series(
                        timeline.reads().okByRegion(), timeline.reads().failed()),
                new DrillReport.Series(
                        timeline.writes().okByRegion(), timeline.writes().failed()));

        DrillReport.Reads readsReport = new DrillReport.Reads(
                reads.size(),
                reads.stream().filter(Sample::ok).count(),
                reads.stream().filter(s -> !s.ok()).count(),
                reads.isEmpty() ? null : readsRto,
                byRegion(reads),
                latency(reads));
        DrillReport.Writes writesReport = new DrillReport.Writes(
                writes.size(),
                writes.stream().filter(Sample::ok).count(),
                writes.stream().filter(s -> !s.ok()).count(),
                writes.isEmpty() ? null : writesRto,
                rpo == null ? null : rpo.lost(),
                rpo == null ? List.of() : rpo.lostIds(),
                rpo == null ? null : rpo.lostSpanMs(),
                rpo == null || rpo.oldestLostAckNanos() == null ? null : base.wallAt(rpo.oldestLostAckNanos()),
                rpo == null || rpo.newestLostAckNanos() == null ? null : base.wallAt(rpo.newestLostAckNanos()),
                rpo == null ? null : rpo.inDoubt(),
                rpo == null ? List.of() : rpo.inDoubtIds(),
                rpo == null ? null : rpo.present(),
                rpo == null ? null : rpo.foreign(),
                writers.get(0),
                writers,
                readBack == null ? null : readBack.error(),
                byRegion(writes),
                latency(writes),
                rpo == null ? null : rpo.lowerBound());
        if (rpo != null && rpo.foreign() > 0) {
            notes.add(rpo.foreign() + " records of the drill's writers were not written by this drill");
        }

        say(verdict + (reason == null ? "" : ": " + reason));
        return new DrillReport(
                drill.name(),
                drill.title(),
                drill.description(),
                drill.source(),
                verdict.name(),
                reason,
                base.originWall(),
                endedAt,
                platform.kind(),
                hadrVersion(),
                topology,
                topology.strategy().id(),
                machine(),
                trafficSettings(writers),
                objectives,
                phases,
                readsReport,
                writesReport,
                restore,
                faultReports,
                before,
                after,
                steps(method, zero),
                drill.rollbacks().when().word(),
                rolledBack ? steps(rollbacks, zero) : steps(rollbacks, zero),
                verdict == Verdict.ABORTED && reason != null && reason.startsWith("safeguard") ? reason : null,
                chart,
                notes);
    }

    private DrillReport notApplicable(List<StepRecord> method, List<StepRecord> rollbacks, StepRecord fault) {
        String reason = "not applicable: step " + fault.number + " (" + fault.step.text() + ")"
                + (fault.step.fault() ? " is the fault, and " : " is part of the drill, and ") + fault.notApplicable
                + "; nothing was done";
        for (StepRecord record : method) {
            record.status = record.notApplicable != null ? StepRecord.Status.NOT_APPLICABLE : StepRecord.Status.SKIPPED;
            record.detail =
                    record.notApplicable != null ? record.notApplicable : "not started: the drill is not applicable";
        }
        say(reason);
        DrillReport.Chart chart = new DrillReport.Chart(
                1000,
                List.of(),
                List.of(),
                new DrillReport.Series(Map.of(), new long[0]),
                new DrillReport.Series(Map.of(), new long[0]));
        return new DrillReport(
                drill.name(),
                drill.title(),
                drill.description(),
                drill.source(),
                Verdict.NOT_APPLICABLE.name(),
                reason,
                base.originWall(),
                time.now(),
                platform.kind(),
                hadrVersion(),
                topology,
                topology.strategy().id(),
                machine(),
                trafficSettings(writers()),
                List.of(),
                List.of(),
                new DrillReport.Reads(0, 0, 0, null, Map.of(), new DrillReport.Latency(null, null, null)),
                new DrillReport.Writes(
                        0,
                        0,
                        0,
                        null,
                        null,
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        List.of(),
                        null,
                        null,
                        writers().get(0),
                        writers(),
                        null,
                        Map.of(),
                        new DrillReport.Latency(null, null, null),
                        null),
                null,
                List.of(),
                List.of(),
                List.of(),
                steps(method, base.originNanos()),
                drill.rollbacks().when().word(),
                steps(rollbacks, base.originNanos()),
                null,
                chart,
                notes);
    }

    private DrillReport.Objective rtoObjective(Long readsRto, Long writesRto, boolean hasReads, boolean hasWrites) {
        Duration target = plan.rto();
        boolean never = (hasReads && readsRto == null) || (hasWrites && writesRto == null);
        if (never) {
            return new DrillReport.Objective(
                    "rto",
                    Durations.format(target),
                    "never recovered",
                    null,
                    "FAIL",
                    "service did not come back for " + (hasReads && readsRto == null ? "reads" : "writes")
                            + " before the drill ended");
        }
        long measured = Math.max(readsRto == null ? 0 : readsRto, writesRto == null ? 0 : writesRto);
        return new DrillReport.Objective(
                "rto",
                Durations.format(target),
                seconds(measured),
                measured,
                measured <= target.toMillis() ? "PASS" : "FAIL",
                "reads " + (readsRto == null ? "-" : seconds(readsRto)) + ", writes "
                        + (writesRto == null ? "-" : seconds(writesRto)));
    }

    private DrillReport.Objective rpoObjective(Rpo rpo, ReadBack readBack) {
        Duration target = plan.rpo();
        if (rpo == null) {
            return new DrillReport.Objective(
                    "rpo",
                    Durations.format(target),
                    "unknown",
                    null,
                    "FAIL",
                    readBack == null ? "no writes were read back" : readBack.error());
        }
        long span = rpo.lostSpanMs();
        String counted =
                rpo.lost() + " of " + rpo.acknowledged() + " acknowledged writes lost, " + rpo.inDoubt() + " in doubt";
        if (rpo.lowerBound()) {
            // What was lost reaches back past the drill's first write: the objective cannot be shown to hold.
            return new DrillReport.Objective(
                    "rpo",
                    Durations.format(target),
                    ">= " + seconds(span),
                    span,
                    "FAIL",
                    counted
                            + "; even the drill's first write was lost, so the disaster took older data too and the real RPO is "
                            + "at least this (send traffic for longer before the fault to see how much)");
        }
        boolean pass = span <= target.toMillis() && !(target.isZero() && rpo.lost() > 0);
        return new DrillReport.Objective(
                "rpo", Durations.format(target), seconds(span), span, pass ? "PASS" : "FAIL", counted);
    }

    private static Long worst(Long current, Long next) {
        if (current == null || next == null) {
            return null;
        }
        return Math.max(current, next);
    }

    private void addRtoPhases(List<DrillReport.Phase> phases, String kind, Rto rto, long zero, Integer fault) {
        if (rto.firstFailureNanos() != null) {
            phases.add(phase("first failure (" + kind + ")", rto.firstFailureNanos(), zero, fault));
        }
        if (rto.firstSuccessNanos() != null) {
            phases.add(phase("first success (" + kind + ")", rto.firstSuccessNanos(), zero, fault));
        }
        if (rto.recoveredNanos() != null) {
            phases.add(phase("recovered (" + kind + ")", rto.recoveredNanos(), zero, fault));
        }
        if (rto.steadyNanos() != null) {
            phases.add(phase("steady again (" + kind + ")", rto.steadyNanos(), zero, fault));
        }
    }

    /** When the platform noticed (an origin turned unhealthy) and when the database changed primary. */
    private void addStatusPhases(
            List<DrillReport.Phase> phases,
            List<StatusSampler.Point> points,
            long fault,
            long next,
            long zero,
            Integer number) {
        StatusSampler.Point last = null;
        for (StatusSampler.Point point : points) {
            if (point.nanos() < fault) {
                last = point;
            }
        }
        if (last == null) {
            return;
        }
        boolean detected = false;
        boolean failedOver = false;
        for (StatusSampler.Point point : points) {
            if (point.nanos() < fault || point.nanos() >= next) {
                continue;
            }
            if (!detected) {
                for (Map.Entry<String, Boolean> origin : last.originHealthy().entrySet()) {
                    if (origin.getValue()
                            && Boolean.FALSE.equals(point.originHealthy().get(origin.getKey()))) {
                        phases.add(phase(
                                "detected (origin " + origin.getKey() + " unhealthy)", point.nanos(), zero, number));
                        detected = true;
                        break;
                    }
                }
            }
            if (!failedOver
                    && last.primary() != null
                    && point.primary() != null
                    && !point.primary().equals(last.primary())) {
                phases.add(
                        phase("failed over (database primary " + point.primary() + ")", point.nanos(), zero, number));
                failedOver = true;
            }
        }
    }

    /** The first successful read after the fault from a region other than the one that served (nearly) all reads before it. */
    private static Long trafficMoved(List<Sample> reads, long fault, long next) {
        Map<String, Integer> before = new HashMap<>();
        int total = 0;
        for (Sample s : reads) {
            // An answer that does not name its region (no X-Hadr-Region) says nothing about where traffic went.
            if (s.ok() && s.region() != null && s.sendNanos() < fault && s.sendNanos() >= fault - 5_000_000_000L) {
                before.merge(s.region(), 1, Integer::sum);
                total++;
            }
        }
        if (total == 0) {
            return null;
        }
        Map.Entry<String, Integer> dominant =
                before.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        if (dominant.getValue() < 0.9 * total) {
            return null;
        }
        return reads.stream()
                .filter(s -> s.ok()
                        && s.region() != null
                        && s.sendNanos() >= fault
                        && s.sendNanos() < next
                        && !dominant.getKey().equals(s.region()))
                .map(Sample::sendNanos)
                .min(Long::compare)
                .orElse(null);
    }

    private DrillReport.Phase phase(String name, long nanos, long zero, Integer fault) {
        return new DrillReport.Phase(name, base.wallAt(nanos), Math.round((nanos - zero) / 1e6), fault);
    }

    private List<DrillReport.StepResult> steps(List<StepRecord> records, long zero) {
        List<DrillReport.StepResult> results = new ArrayList<>();
        for (StepRecord r : records) {
            boolean started = r.ran();
            results.add(new DrillReport.StepResult(
                    r.step.line(),
                    r.step.text(),
                    r.step.name(),
                    r.step.fault(),
                    r.status == StepRecord.Status.PENDING ? "not started" : r.status.word,
                    started ? base.wallAt(r.startNanos) : null,
                    started ? Math.round((r.startNanos - zero) / 1e6) : null,
                    started ? Math.round((r.endNanos - r.startNanos) / 1e6) : null,
                    r.detail));
        }
        return results;
    }

    private static Map<String, Long> byRegion(List<Sample> samples) {
        Map<String, Long> map = new TreeMap<>();
        for (Sample s : samples) {
            if (s.ok() && s.region() != null) {
                map.merge(s.region(), 1L, Long::sum);
            }
        }
        return map;
    }

    private static DrillReport.Latency latency(List<Sample> samples) {
        long[] latencies = samples.stream()
                .filter(s -> s.status() != 0)
                .mapToLong(Sample::latencyNanos)
                .sorted()
                .toArray();
        if (latencies.length == 0) {
            return new DrillReport.Latency(null, null, null);
        }
        return new DrillReport.Latency(
                ms(latencies[(int) Math.floor(0.5 * (latencies.length - 1))]),
                ms(latencies[(int) Math.floor(0.99 * (latencies.length - 1))]),
                ms(latencies[latencies.length - 1]));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private static long bucketMs(List<Sample> samples) {
        if (samples.isEmpty()) {
            return 1000;
        }
        long span = samples.get(samples.size() - 1).sendNanos() - samples.get(0).sendNanos();
        // About 60 to 600 buckets: fine enough to see a two-second outage, coarse enough to read.
        return span < 60_000_000_000L ? 250 : span < 300_000_000_000L ? 1000 : 5000;
    }

    private DrillReport.TrafficSettings trafficSettings(List<String> writers) {
        var t = drill.traffic();
        return new DrillReport.TrafficSettings(
                platform.endpoint().toString(),
                t.readsPerSecond(),
                t.writesPerSecond(),
                writers,
                t.requestTimeout().toMillis(),
                t.sustained().toMillis());
    }

    /** Writer ids unique to this run, so that a read-back finds only this run's records. */
    private List<String> writers() {
        String name = drill.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (name.length() > 24) {
            name = name.substring(0, 24);
        }
        String stamp = WRITER_STAMP.format(base.originWall());
        List<String> writers = new ArrayList<>();
        for (int i = 1; i <= drill.traffic().writers(); i++) {
            writers.add(name + "-" + stamp + "-w" + i);
        }
        return writers;
    }

    private String hadrVersion() {
        if (options.hadrVersion() != null) {
            return options.hadrVersion();
        }
        try (var in = DrillEngine.class.getResourceAsStream("/io/hadr/drill/hadr-drill.properties")) {
            var properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (java.io.IOException e) {
            return "dev";
        }
    }

    static DrillReport.Machine machine() {
        return DrillReport.Machine.current();
    }

    private void sleep(Duration duration) throws InterruptedException {
        long end = time.nanos() + duration.toNanos();
        long left;
        while ((left = end - time.nanos()) > 0) {
            Thread.sleep(Math.min(left / 1_000_000 + 1, 200));
        }
    }

    private String clock(long nanos) {
        return String.format(Locale.ROOT, "[%6.1fs] ", (nanos - base.originNanos()) / 1e9);
    }

    private void say(String text) {
        progress.line(clock(time.nanos()) + text);
    }

    private static String describe(List<DrillReport.ProbeResult> failed) {
        return String.join(
                "; ",
                failed.stream().map(p -> p.probe() + " (" + p.measured() + ")").toList());
    }

    static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.3fs", ms / 1000.0);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
