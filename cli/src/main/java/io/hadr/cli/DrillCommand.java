package io.hadr.cli;

import io.hadr.core.topology.Topology;
import io.hadr.drill.BuiltInDrills;
import io.hadr.drill.DrillResult;
import io.hadr.drill.DrillRunner;
import io.hadr.drill.RunOptions;
import io.hadr.drill.StrategyComparison;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.DrillFileException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "drill",
        mixinStandardHelpOptions = true,
        description = "Run disaster-recovery drills that measure RTO and RPO from real traffic.",
        subcommands = {DrillCommand.ListDrills.class, DrillCommand.Run.class, DrillCommand.Compare.class})
final class DrillCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** Where the drill commands get their environment; tests replace it. */
    static volatile PlatformProvider platforms = DrillSession::local;

    /** How long Ctrl-C waits for an aborted drill's rollbacks and reports before stopping what was started. */
    static final Duration INTERRUPT_DEADLINE = Duration.ofMinutes(3);

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to do: list, run or compare-strategies");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the built-in drills.")
    static final class ListDrills implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<BuiltInDrills.BuiltInDrill> drills = DrillRunner.builtIns();
            int width = drills.stream().mapToInt(d -> d.name().length()).max().orElse(10);
            for (BuiltInDrills.BuiltInDrill drill : drills) {
                out.printf("%-" + width + "s  %s%n", drill.name(), drill.title());
            }
            out.println();
            out.println("Run one with: hadr drill run NAME   (--dry-run shows its plan; a drill file works too)");
            out.flush();
            return 0;
        }
    }

    /** What run and compare-strategies share. */
    abstract static class DrillOptions {
        @Mixin
        TopologyOption topology;

        @Mixin
        StateDirOption stateDir;

        @Option(
                names = "--report-dir",
                paramLabel = "DIR",
                description = "Where the reports go (default: .hadr/reports/<time>/).")
        Path reportDir;

        @Option(
                names = "--objective",
                paramLabel = "NAME=DURATION",
                description = "Override an objective, e.g. --objective rto=30s (repeatable; rto, rpo).")
        List<String> objectives = new ArrayList<>();

        @Spec
        CommandSpec spec;

        RunOptions.Builder options() {
            PrintWriter out = spec.commandLine().getOut();
            RunOptions.Builder builder = RunOptions.builder()
                    .reportDir(reportDir)
                    .hadrVersion(Hadr.version())
                    .progress(line -> {
                        out.println(line);
                        out.flush();
                    });
            for (String objective : objectives) {
                try {
                    builder.objective(objective);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--objective " + e.getMessage());
                }
            }
            return builder;
        }

        int badDrill(DrillFileException e) {
            PrintWriter err = spec.commandLine().getErr();
            for (DrillFileException.Problem problem : e.problems()) {
                err.println(problem);
            }
            err.println(
                    e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "; nothing was done");
            err.flush();
            return 1;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run a built-in drill or a drill file against the environment and write its reports.",
                "Exit status 0 when every objective and expectation held, 1 otherwise."
            })
    static final class Run extends DrillOptions implements Callable<Integer> {

        @Parameters(paramLabel = "NAME|FILE", description = "A built-in drill (hadr drill list) or a drill file.")
        String drill;

        @Option(names = "--dry-run", description = "Check the drill and print its plan; touch nothing.")
        boolean dryRun;

        @Option(
                names = "--azure",
                description = {
                    "Run the drill against the topology's deployment on Azure (hadr azure up)",
                    "instead of a local environment; credentials come from azure-identity's default chain (az login, ...)."
                })
        boolean azure;

        @Mixin
        AzureCommand.Target azureTarget;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            RunOptions options = options().dryRun(dryRun).build();
            Topology t = topology.load();
            try {
                // Checked before anything starts: a typo should not cost an environment's start-up.
                Drill parsed = DrillRunner.load(drill, t);
                if (dryRun) {
                    out.print(DrillRunner.plan(parsed, t, null, options));
                    out.println("The drill is valid; nothing was done (--dry-run).");
                    out.flush();
                    return 0;
                }
                // Azure is reached through the same seam as a local environment: the drill cannot tell which one it
                // drives.
                PlatformProvider provider = azure
                        ? (topology, dir, fresh, progress) ->
                                DrillSession.azure(topology, azureTarget.resolve(topology), progress)
                        : platforms;
                DrillResult result;
                try (Interruption interruption = new Interruption(out, INTERRUPT_DEADLINE);
                        DrillSession session = interruption.closeOnInterrupt(
                                provider.open(t, stateDir.stateDir, false, options.progress()::line))) {
                    // A running environment may run another topology than the one at hand: the drill is read against
                    // its own.
                    result = DrillRunner.run(
                            DrillRunner.load(drill, session.platform().topology()), session.platform(), options);
                    summary(out, result.report(), result.reportDir());
                }
                return result.exitStatus();
            } catch (DrillFileException e) {
                return badDrill(e);
            }
        }
    }

    @Command(
            name = "compare-strategies",
            mixinStandardHelpOptions = true,
            description = {
                "Run one drill under active-active, active-passive, warm standby and cold standby,",
                "and print measured RTO and RPO side by side."
            })
    static final class Compare extends DrillOptions implements Callable<Integer> {

        @Option(
                names = "--drill",
                paramLabel = "NAME|FILE",
                defaultValue = "region-outage",
                description = "The drill to run under each strategy (default: ${DEFAULT-VALUE}).")
        String drill;

        @Override
        public Integer call() throws Exception {
            Topology t = topology.load();
            try {
                DrillRunner.load(drill, t);
            } catch (DrillFileException e) {
                return badDrill(e);
            }
            RunOptions options = options().build();
            // A fresh environment per strategy, each in a directory of its own that is deleted after its drill:
            // nothing carries over from one strategy to the next, nor from an environment the user runs.
            Path states = Files.createTempDirectory("hadr-compare-");
            // When hadr runs as root, PostgreSQL and the apps run as nobody, which must reach the state directories.
            Files.setPosixFilePermissions(states, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (Interruption interruption = new Interruption(spec.commandLine().getOut(), INTERRUPT_DEADLINE)) {
                StrategyComparison.Result result = StrategyComparison.run(
                        drill,
                        t,
                        strategyTopology -> {
                            if (interruption.requested()) {
                                throw new IllegalStateException("not run: interrupted");
                            }
                            return interruption.closeOnInterrupt(platforms.open(
                                    strategyTopology,
                                    states.resolve(strategyTopology.strategy().id()),
                                    true,
                                    options.progress()::line));
                        },
                        options);
                return result.exitStatus();
            } finally {
                Files.deleteIfExists(states);
            }
        }
    }

    private static void summary(PrintWriter out, DrillReport report, Path dir) {
        out.println();
        out.println("Drill " + report.drill() + ": " + report.verdict()
                + (report.verdictReason() == null ? "" : " — " + report.verdictReason()));
        for (DrillReport.Objective objective : report.objectives()) {
            out.printf(
                    "  %-7s %-4s measured %-16s target %-8s %s%n",
                    objective.name().toUpperCase(Locale.ROOT),
                    objective.verdict(),
                    objective.measured(),
                    objective.target(),
                    objective.detail() == null ? "" : objective.detail());
        }
        if (report.writes().lost() != null) {
            out.printf(
                    "  writes: %d acknowledged, %d lost, %d in doubt (writer %s)%n",
                    report.writes().acknowledged(),
                    report.writes().lost(),
                    report.writes().inDoubt(),
                    report.writes().writer());
        }
        out.println("  report: " + dir.resolve("report.html"));
        out.flush();
    }
}
