package io.hadr.cli;

import io.hadr.core.platform.Platform;
import io.hadr.local.LocalPlatform;
import io.hadr.local.StateDir;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Run disaster-recovery drills that measure RTO and RPO from real traffic.",
        subcommands = {DrillCommand.ListDrills.class, DrillCommand.Run.class, DrillCommand.Compare.class})
final class DrillCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** Where the drill commands get their platform; tests replace it. */
    static volatile PlatformProvider platforms = DrillCommand::openPlatform;

    /**
     * The platform for a topology: the environment running from {@code stateDir} when one does
     * (left running afterwards), else one started there for the drill on free ports, which
     * {@link Platform#close()} stops again.
     */
    static Platform openPlatform(Topology topology, Path stateDir, java.util.function.Consumer<String> progress) {
        StateDir dir = new StateDir(stateDir);
        if (dir.isLocked()) {
            progress.accept("using the environment running from " + dir.root());
            return LocalPlatform.connect(dir);
        }
        progress.accept("no environment runs from " + dir.root() + "; starting one for the drill");
        return LocalPlatform.startOwn(LocalPlatform.onFreePorts(topology), dir, line -> progress.accept("  ▸ " + line));
    }

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

        @Option(names = "--report-dir", paramLabel = "DIR",
                description = "Where the reports go (default: .hadr/reports/<time>/).")
        Path reportDir;

        @Option(names = "--objective", paramLabel = "NAME=DURATION",
                description = "Override an objective, e.g. --objective rto=30s (repeatable; rto, rpo).")
        List<String> objectives = new ArrayList<>();

        @Spec
        CommandSpec spec;

        RunOptions.Builder options() {
            PrintWriter out = spec.commandLine().getOut();
            RunOptions.Builder builder = RunOptions.builder().reportDir(reportDir).hadrVersion(Hadr.version()).progress(line -> {
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
            err.println(e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "; nothing was done");
            err.flush();
            return 1;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a built-in drill or a drill file against the environment and write its reports.",
                "Exit status 0 when every objective and expectation held, 1 otherwise."})
    static final class Run extends DrillOptions implements Callable<Integer> {

        @Parameters(paramLabel = "NAME|FILE", description = "A built-in drill (hadr drill list) or a drill file.")
        String drill;

        @Option(names = "--dry-run", description = "Check the drill and print its plan; touch nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            RunOptions options = options().dryRun(dryRun).build();
            Topology t = topology.load();
            try {
                if (dryRun) {
                    Drill parsed = DrillRunner.load(drill, t);
                    out.print(DrillRunner.plan(parsed, t, null, options));
                    out.println("The drill is valid; nothing was done (--dry-run).");
                    out.flush();
                    return 0;
                }
                DrillResult result;
                try (Platform platform = platforms.open(t, stateDir.stateDir, options.progress()::line)) {
                    result = DrillRunner.run(DrillRunner.load(drill, platform.topology()), platform, options);
                }
                summary(out, result.report(), result.reportDir());
                return result.exitStatus();
            } catch (DrillFileException e) {
                return badDrill(e);
            }
        }
    }

    @Command(name = "compare-strategies", mixinStandardHelpOptions = true,
            description = {"Run one drill under active-active, active-passive, warm standby and cold standby,",
                "and print measured RTO and RPO side by side."})
    static final class Compare extends DrillOptions implements Callable<Integer> {

        @Option(names = "--drill", paramLabel = "NAME|FILE", defaultValue = "region-outage",
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
            StrategyComparison.Result result = StrategyComparison.run(drill, t,
                    strategyTopology -> platforms.open(strategyTopology, stateDir.stateDir.resolve(strategyTopology.strategy().id()), line -> {}),
                    options().build());
            return result.exitStatus();
        }
    }

    private static void summary(PrintWriter out, DrillReport report, Path dir) {
        out.println();
        out.println("Drill " + report.drill() + ": " + report.verdict() + (report.verdictReason() == null ? "" : " — " + report.verdictReason()));
        for (DrillReport.Objective objective : report.objectives()) {
            out.printf("  %-7s %-4s measured %-16s target %-8s %s%n", objective.name().toUpperCase(Locale.ROOT), objective.verdict(),
                    objective.measured(), objective.target(), objective.detail() == null ? "" : objective.detail());
        }
        if (report.writes().lost() != null) {
            out.printf("  writes: %d acknowledged, %d lost, %d in doubt (writer %s)%n", report.writes().acknowledged(),
                    report.writes().lost(), report.writes().inDoubt(), report.writes().writer());
        }
        out.println("  report: " + dir.resolve("report.html"));
        out.flush();
    }
}
