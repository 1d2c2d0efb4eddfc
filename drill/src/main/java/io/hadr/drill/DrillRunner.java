package io.hadr.drill;

import io.hadr.core.platform.Platform;
import io.hadr.core.topology.Topology;
import io.hadr.drill.engine.DrillEngine;
import io.hadr.drill.engine.Plan;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.report.ReportWriter;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.DrillFileException;
import io.hadr.drill.spec.DrillParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the {@code hadr drill} commands call: list the built-in drills, check a drill and print its
 * plan, run it against a {@link Platform} and write its reports. The platform is the only way a
 * drill touches an environment; its traffic goes only to {@link Platform#endpoint()}.
 */
public final class DrillRunner {

    private DrillRunner() {}

    /** The built-in drills. */
    public static List<BuiltInDrills.BuiltInDrill> builtIns() {
        return BuiltInDrills.list();
    }

    /**
     * Reads a drill: a drill file when {@code nameOrFile} names an existing file (or looks like a
     * path), else a built-in drill.
     *
     * @throws DrillFileException for a bad file, or a name that is neither a file nor a built-in drill
     */
    public static Drill load(String nameOrFile, Topology topology) {
        Path path = Path.of(nameOrFile);
        boolean looksLikePath = nameOrFile.contains("/") || nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml");
        if (Files.isRegularFile(path) || looksLikePath) {
            return DrillParser.load(path, topology);
        }
        return BuiltInDrills.load(nameOrFile, topology)
                .orElseThrow(() -> DrillFileException.single(
                        nameOrFile,
                        0,
                        null,
                        "no built-in drill of this name and no such file; the built-in drills are "
                                + String.join(", ", BuiltInDrills.NAMES)));
    }

    /**
     * Checks a drill against a topology (and, when {@code platform} is not null, against what it
     * can do) and returns the plan in words. Touches nothing.
     */
    public static String plan(Drill drill, Topology topology, Platform platform, RunOptions options) {
        return new Plan(
                        drill,
                        topology,
                        platform == null ? null : platform.kind(),
                        platform == null ? null : platform.capabilities(),
                        options.objectives(),
                        options.maxDuration())
                .describe();
    }

    /** {@link #run(Drill, Platform, RunOptions)} for a built-in name or a drill file. */
    public static DrillResult run(String nameOrFile, Platform platform, RunOptions options)
            throws InterruptedException {
        return run(load(nameOrFile, platform.topology()), platform, options);
    }

    /**
     * Runs a drill and writes its reports. With {@link RunOptions#dryRun()} it only returns the
     * plan. The result's {@link DrillResult#exitStatus()} is what a command should exit with.
     */
    public static DrillResult run(Drill drill, Platform platform, RunOptions options) throws InterruptedException {
        DrillEngine engine = new DrillEngine(drill, platform, options);
        String plan = engine.plan().describe();
        if (options.dryRun()) {
            return new DrillResult(Verdict.PASS, null, null, plan);
        }
        if (options.planInProgress()) {
            plan.lines().forEach(options.progress()::line);
        }
        DrillReport report = engine.run();
        Path dir = options.reportDir() != null ? options.reportDir() : RunOptions.defaultReportDir(report.startedAt());
        ReportWriter.write(report, dir);
        options.progress().line("reports: " + dir.resolve("report.html") + " (also report.json, report.md, junit.xml)");
        return new DrillResult(Verdict.valueOf(report.verdict()), report, dir, plan);
    }
}
