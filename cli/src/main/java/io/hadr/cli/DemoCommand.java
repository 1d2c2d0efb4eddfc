package io.hadr.cli;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.Platform;
import io.hadr.core.topology.Topology;
import io.hadr.drill.BuiltInDrills;
import io.hadr.drill.DrillResult;
import io.hadr.drill.DrillRunner;
import io.hadr.drill.RunOptions;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.report.SuiteReport;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.DrillFileException;
import io.hadr.local.EnvironmentFiles;
import io.hadr.local.LocalEnvironmentException;
import io.hadr.local.StateDir;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hadr demo}: what hadr does, in one command. Brings up a fresh local environment in a
 * state directory of its own (never the user's {@code .hadr}), runs the built-in drills one after
 * the other against it with live progress, writes every drill's reports and an index page,
 * prints a summary table, and tears everything down, leaving nothing running and nothing of the
 * environment on disk but the reports.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Bring up a fresh local environment, run the built-in drills against it, print what they measured,",
            "and tear it all down. Exit status 0 when every drill passed (or was not applicable), 1 otherwise."
        })
final class DemoCommand implements Callable<Integer> {

    /**
     * The built-in drills in the order the demo runs them: each one starts from the steady state the
     * one before left (primary region serving, database primary there), the gentlest first; the
     * point-in-time restore last, since adopting a restore replaces the database.
     */
    static final List<String> ORDER =
            List.of("app-outage", "db-planned-failover", "failback", "db-forced-failover", "region-outage", "pitr");

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Mixin
    TopologyOption topology;

    @Option(
            names = "--report-dir",
            paramLabel = "DIR",
            description = "Where the reports go (default: .hadr/reports/demo-<time>/ in the working directory).")
    Path reportDir;

    @Option(
            names = "--drills",
            paramLabel = "NAME",
            split = ",",
            description = "Run only these built-in drills, in this order (default: all of them).")
    List<String> drills;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = drills == null || drills.isEmpty() ? ORDER : drills;
        for (String name : names) {
            if (!BuiltInDrills.NAMES.contains(name)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--drills: '" + name + "' is not a built-in drill; the built-in drills are "
                                + String.join(", ", BuiltInDrills.NAMES));
            }
        }
        Topology base = topology.load();
        List<Drill> checked = new ArrayList<>();
        try {
            for (String name : names) {
                checked.add(DrillRunner.load(name, base));
            }
        } catch (DrillFileException e) {
            // The built-in drills are checked by the build; a topology they do not fit is the user's to see.
            throw new LocalEnvironmentException("the built-in drills do not fit the topology " + base.source() + ": "
                    + e.problems().get(0));
        }
        Instant started = Instant.now();
        double loadAtStart = loadAverage();
        Path reports = (reportDir != null ? reportDir : Path.of(".hadr", "reports", "demo-" + STAMP.format(started)))
                .toAbsolutePath()
                .normalize();
        Path state = Files.createTempDirectory("hadr-demo-");
        // When hadr runs as root, PostgreSQL and the apps run as nobody, which must reach the state directory.
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));

        say(
                out,
                "hadr demo: " + names.size() + " drills against a fresh local environment ("
                        + base.strategy().id() + ", topology " + base.source() + ")");
        say(out, "  state: " + state + " (deleted at the end) · reports: " + reports);
        List<SuiteReport.Entry> entries = new ArrayList<>();
        List<DrillReport> drillReports = new ArrayList<>();
        String environmentError = null;
        try (Interruption interruption = new Interruption(out, DrillCommand.INTERRUPT_DEADLINE)) {
            try {
                DrillSession session =
                        interruption.closeOnInterrupt(DrillSession.local(base, state, true, line -> say(out, line)));
                try {
                    runDrills(out, session.platform(), names, checked, reports, entries, drillReports, interruption);
                } finally {
                    session.close();
                }
            } catch (LocalEnvironmentException e) {
                environmentError = e.getMessage();
                say(out, "the environment failed: " + environmentError);
            } finally {
                discard(out, state);
            }
            for (int i = entries.size(); i < names.size(); i++) {
                entries.add(SuiteReport.Entry.error(
                        names.get(i),
                        checked.get(i).title(),
                        interruption.requested()
                                ? "not run: interrupted"
                                : environmentError != null ? "not run: " + environmentError : "not run",
                        0));
            }
            Instant ended = Instant.now();
            SuiteReport.Suite suite = new SuiteReport.Suite(
                    "hadr demo: the built-in drills on the local environment",
                    started,
                    ended,
                    "local",
                    Hadr.version(),
                    DrillReport.Machine.current(),
                    new double[] {loadAtStart, loadAverage()},
                    entries);
            Path index = SuiteReport.write(suite, drillReports, reports);
            summary(out, suite, index);
            return suite.passed() ? 0 : 1;
        }
    }

    private void runDrills(
            PrintWriter out,
            Platform platform,
            List<String> names,
            List<Drill> checked,
            Path reports,
            List<SuiteReport.Entry> entries,
            List<DrillReport> drillReports,
            Interruption interruption)
            throws InterruptedException {
        for (int i = 0; i < names.size(); i++) {
            if (interruption.requested()) {
                return;
            }
            String name = names.get(i);
            Drill drill = DrillRunner.load(name, platform.topology());
            out.println();
            say(out, "━━ " + (i + 1) + "/" + names.size() + "  " + name + ": " + drill.title());
            long drillStart = System.nanoTime();
            settle(out, platform);
            Path dir = reports.resolve(name);
            RunOptions options = RunOptions.builder()
                    .reportDir(dir)
                    .hadrVersion(Hadr.version())
                    .planInProgress(false)
                    .progressInterval(Duration.ofSeconds(5))
                    .progress(line -> say(out, "   " + line))
                    .build();
            try {
                DrillResult result = DrillRunner.run(drill, platform, options);
                drillReports.add(result.report());
                SuiteReport.Entry entry = SuiteReport.Entry.of(result.report(), reports, dir);
                entries.add(entry);
                say(out, "   ⇒ " + outcome(entry));
            } catch (RuntimeException e) {
                // One drill that could not run (the platform refused a step outside its method) does not stop the
                // others.
                String message = Errors.describe(e);
                entries.add(SuiteReport.Entry.error(
                        name,
                        checked.get(i).title(),
                        message,
                        Duration.ofNanos(System.nanoTime() - drillStart).toMillis()));
                say(out, "   ⇒ ERROR: " + message);
            }
        }
    }

    /** How long a drill waits for the environment to be whole again before it starts anyway (and its steady state judges). */
    static final Duration SETTLE_DEADLINE = Duration.ofMinutes(3);

    /**
     * Waits until the environment is as a drill expects to find it: the database primary in the
     * primary region, and every running region's origin healthy in the front door. A fresh
     * environment's apps are answering before the probes have said so, and a drill's rollback may
     * leave a region still rejoining; starting the next drill then would measure the last one's
     * tail. Past the deadline the drill starts anyway, and its steady-state check says what is wrong.
     */
    static void settle(PrintWriter out, Platform platform) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + SETTLE_DEADLINE.toNanos();
        String waitingFor = unsettled(platform);
        if (waitingFor == null) {
            return;
        }
        say(out, "   waiting for the environment to settle: " + waitingFor);
        while (waitingFor != null) {
            if (System.nanoTime() >= end) {
                say(
                        out,
                        "   not settled after " + SETTLE_DEADLINE.toMinutes() + " min (" + waitingFor
                                + "); the drill starts anyway");
                return;
            }
            Thread.sleep(500);
            waitingFor = unsettled(platform);
        }
        say(out, String.format(Locale.ROOT, "   settled in %.1f s", (System.nanoTime() - start) / 1e9));
    }

    /** What keeps the environment from its steady state, or null when nothing does. */
    static String unsettled(Platform platform) {
        EnvironmentStatus status;
        try {
            status = platform.status();
        } catch (RuntimeException e) {
            return "no status (" + Errors.describe(e) + ")";
        }
        List<String> problems = new ArrayList<>();
        String primary = platform.topology().primary().id();
        if (status.database() != null && !primary.equals(status.database().primary())) {
            problems.add("database primary is " + status.database().primary() + ", not " + primary);
        }
        for (EnvironmentStatus.RegionStatus region : status.regions()) {
            boolean running =
                    !region.apps().isEmpty() && region.apps().stream().allMatch(a -> "running".equals(a.state()));
            if (running
                    && region.origin() != null
                    && region.origin().enabled()
                    && !region.origin().healthy()) {
                problems.add("origin " + region.id() + " not healthy yet");
            }
        }
        return problems.isEmpty() ? null : String.join(", ", problems);
    }

    /** One line: what the drill measured. */
    static String outcome(SuiteReport.Entry e) {
        return switch (e.verdict()) {
            case "NOT_APPLICABLE" -> "NOT APPLICABLE: " + e.reason().replaceFirst("^not applicable: ", "");
            case "ERROR" -> "ERROR: " + e.reason();
            default ->
                e.verdict() + " · RTO " + e.rto() + " (reads " + ms(e.readsRtoMs()) + ", writes " + ms(e.writesRtoMs())
                        + ") · RPO " + e.rpo()
                        + (e.lostWrites() == null ? "" : " (" + e.lost() + " acknowledged writes lost)")
                        + " · " + SuiteReport.seconds(e.durationMs())
                        + (e.reason() == null ? "" : "\n     why: " + e.reason());
        };
    }

    private static void summary(PrintWriter out, SuiteReport.Suite suite, Path index) {
        out.println();
        Table table = new Table("DRILL", "VERDICT", "RTO", "READS", "WRITES", "RPO", "LOST WRITES", "TOOK");
        for (SuiteReport.Entry e : suite.drills()) {
            table.row(
                    e.drill(),
                    e.verdict().replace('_', ' '),
                    e.rto(),
                    ms(e.readsRtoMs()),
                    ms(e.writesRtoMs()),
                    e.rpo(),
                    e.lost(),
                    SuiteReport.seconds(e.durationMs()));
        }
        table.print(out);
        for (SuiteReport.Entry e : suite.drills()) {
            if (!e.verdict().equals("PASS") && e.reason() != null) {
                out.println("  " + e.drill() + ": " + e.reason());
            }
        }
        out.println();
        long total = Duration.between(suite.startedAt(), suite.endedAt()).toMillis();
        out.printf(
                Locale.ROOT,
                "%s in %s; %s. Report: %s%n",
                suite.passed() ? "every drill held" : "a drill did not hold",
                SuiteReport.seconds(total),
                leftRunning(),
                index);
        out.flush();
    }

    /**
     * Checks rather than claims that the environment is gone: every process it started is a
     * descendant of this JVM (PostgreSQL included), so whatever is still alive was left behind.
     */
    static String leftRunning() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcessHandle> alive = ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .toList();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            alive = ProcessHandle.current()
                    .descendants()
                    .filter(ProcessHandle::isAlive)
                    .toList();
        }
        if (alive.isEmpty()) {
            return "nothing left running";
        }
        return alive.size() + " process(es) still running: "
                + alive.stream()
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                        .collect(java.util.stream.Collectors.joining("; "));
    }

    private static void discard(PrintWriter out, Path state) {
        try {
            EnvironmentFiles.discard(new StateDir(state));
        } catch (LocalEnvironmentException e) {
            say(out, "could not delete " + state + ": " + e.getMessage());
        }
    }

    private static String ms(Long ms) {
        return ms == null ? "-" : SuiteReport.seconds(ms);
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
