package io.hadr.drill;

import io.hadr.core.platform.Platform;
import io.hadr.core.topology.FrontDoorSpec;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.report.ReportWriter;
import io.hadr.drill.spec.Drill;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs one drill under each of the four DR strategies — active-active, active-passive, warm
 * standby, cold standby — each on a platform made for that strategy's topology, and puts the
 * measured RTO and RPO side by side: the original design's table of strategies, with numbers.
 */
public final class StrategyComparison {

    /**
     * One strategy's outcome.
     *
     * @param rtoMs the worse of the reads' and writes' RTO; null when service never came back (or the drill did not run)
     * @param lostSpanMs the RPO measured; null when unknown
     * @param error why the drill could not run under this strategy, or null
     * @param report where its reports are, or null
     * @param lostSpanIsLowerBound even the drill's first write was lost: the real RPO is at least {@code lostSpanMs}
     */
    public record Row(
            String strategy,
            String verdict,
            Long rtoMs,
            Long readsRtoMs,
            Long writesRtoMs,
            Long lostSpanMs,
            Integer lostWrites,
            Long acknowledgedWrites,
            String error,
            String report,
            Boolean lostSpanIsLowerBound) {}

    /** The table, written as {@code comparison.json}. */
    public record Comparison(String drill, Instant startedAt, Instant endedAt, List<Row> rows) {}

    /** The comparison and where its reports are; exit status 0 only when every strategy's drill passed. */
    public record Result(Comparison comparison, Path reportDir, List<DrillResult> results) {
        public int exitStatus() {
            return comparison.rows().stream().allMatch(r -> r.verdict().equals("PASS")) ? 0 : 1;
        }
    }

    /** The environment one strategy's drill runs on; closing it releases (or stops) that environment. */
    public interface Session extends AutoCloseable {
        Platform platform();

        @Override
        void close();
    }

    private StrategyComparison() {}

    /** {@link #run(String, Topology, Function, RunOptions)} with platforms that are closed after their drill. */
    public static Result runOn(
            String drillName, Topology base, Function<Topology, Platform> platforms, RunOptions options)
            throws InterruptedException {
        return run(
                drillName,
                base,
                topology -> {
                    Platform platform = platforms.apply(topology);
                    return new Session() {
                        @Override
                        public Platform platform() {
                            return platform;
                        }

                        @Override
                        public void close() {
                            platform.close();
                        }
                    };
                },
                options);
    }

    /**
     * @param drillName a built-in drill or a drill file
     * @param base the topology to vary; only its strategy (and the origins' default priorities) change
     * @param sessions makes the environment for a topology (one of that strategy); each is closed after its drill
     * @param options the report directory holds one sub-directory per strategy and the comparison itself
     */
    public static Result run(
            String drillName, Topology base, Function<Topology, ? extends Session> sessions, RunOptions options)
            throws InterruptedException {
        Instant started = options.time().now();
        Path dir = options.reportDir() != null ? options.reportDir() : RunOptions.defaultReportDir(started);
        List<Row> rows = new ArrayList<>();
        List<DrillResult> results = new ArrayList<>();
        List<DrillReport> reports = new ArrayList<>();
        for (Strategy strategy : Strategy.values()) {
            Topology topology = withStrategy(base, strategy);
            options.progress().line("=== " + drillName + " under " + strategy.id());
            Path strategyDir = dir.resolve(strategy.id());
            RunOptions strategyOptions = copy(options, strategyDir);
            try (Session session = sessions.apply(topology)) {
                Platform platform = session.platform();
                Drill drill = DrillRunner.load(drillName, platform.topology());
                DrillResult result = DrillRunner.run(drill, platform, strategyOptions);
                results.add(result);
                reports.add(result.report());
                DrillReport r = result.report();
                Long rto = r.objectives().stream()
                        .filter(o -> o.name().equals("rto"))
                        .findFirst()
                        .map(DrillReport.Objective::measuredMs)
                        .orElse(null);
                rows.add(new Row(
                        strategy.id(),
                        r.verdict(),
                        rto,
                        r.reads().rtoMs(),
                        r.writes().rtoMs(),
                        r.writes().lostSpanMs(),
                        r.writes().lost(),
                        r.writes().acknowledged(),
                        r.verdictReason(),
                        strategyDir.resolve("report.html").toString(),
                        r.writes().lostSpanIsLowerBound()));
            } catch (InterruptedException e) {
                throw e;
            } catch (RuntimeException e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                options.progress().line(strategy.id() + ": could not run: " + message);
                rows.add(new Row(strategy.id(), "ERROR", null, null, null, null, null, null, message, null, null));
            }
        }
        Comparison comparison =
                new Comparison(drillName, started, options.time().now(), rows);
        write(comparison, reports, dir);
        options.progress().line(table(comparison));
        options.progress().line("reports: " + dir.resolve("comparison.md"));
        return new Result(comparison, dir, results);
    }

    /**
     * The topology with another strategy: the front door's origins take that strategy's default
     * priorities (active-active: both 1; otherwise the primary 1, the secondary 2); weights,
     * enabled states and everything else stay.
     */
    public static Topology withStrategy(Topology base, Strategy strategy) {
        FrontDoorSpec fd = base.frontDoor();
        List<FrontDoorSpec.Origin> origins = fd.origins().stream()
                .map(o -> new FrontDoorSpec.Origin(
                        o.regionId(),
                        strategy == Strategy.ACTIVE_ACTIVE
                                        || base.region(o.regionId()).isPrimary()
                                ? 1
                                : 2,
                        o.weight(),
                        o.enabled()))
                .toList();
        FrontDoorSpec frontDoor = new FrontDoorSpec(
                fd.frontDoorId(),
                fd.probe(),
                fd.loadBalancing(),
                fd.originResponseTimeout(),
                fd.sessionAffinity(),
                fd.retryOnNextOrigin(),
                origins);
        return new Topology(
                base.name(),
                strategy,
                base.regions(),
                base.app(),
                frontDoor,
                base.database(),
                base.backups(),
                base.objectives(),
                base.local(),
                base.source() + " as " + strategy.id(),
                base.nonAzureSettings());
    }

    private static RunOptions copy(RunOptions o, Path reportDir) {
        RunOptions.Builder b = RunOptions.builder()
                .reportDir(reportDir)
                .progress(o.progress())
                .time(o.time())
                .statusInterval(o.statusInterval())
                .progressInterval(o.progressInterval())
                .maxDuration(o.maxDuration())
                .hadrVersion(o.hadrVersion())
                .planInProgress(o.planInProgress());
        o.objectives().forEach(b::objective);
        return b.build();
    }

    /** The table in Markdown. */
    public static String table(Comparison c) {
        StringBuilder md = new StringBuilder(
                "| strategy | verdict | RTO | reads RTO | writes RTO | RPO (lost span) | lost writes |\n"
                        + "|---|---|---|---|---|---|---|\n");
        for (Row r : c.rows()) {
            md.append("| ")
                    .append(r.strategy())
                    .append(" | ")
                    .append(r.verdict())
                    .append(" | ")
                    .append(ms(r.rtoMs(), r))
                    .append(" | ")
                    .append(ms(r.readsRtoMs(), r))
                    .append(" | ")
                    .append(ms(r.writesRtoMs(), r))
                    .append(" | ")
                    .append(
                            r.lostSpanMs() == null
                                    ? "unknown"
                                    : (Boolean.TRUE.equals(r.lostSpanIsLowerBound()) ? ">= " : "")
                                            + seconds(r.lostSpanMs()))
                    .append(" | ")
                    .append(r.lostWrites() == null ? "unknown" : r.lostWrites() + " of " + r.acknowledgedWrites())
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String ms(Long ms, Row r) {
        if (ms != null) {
            return seconds(ms);
        }
        return r.verdict().equals("ERROR") || r.verdict().equals("NOT_APPLICABLE") ? "-" : "never recovered";
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static void write(Comparison c, List<DrillReport> reports, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("comparison.json"), ReportWriter.json(c), StandardCharsets.UTF_8);
            StringBuilder md = new StringBuilder("# Drill ")
                    .append(c.drill())
                    .append(" under the four strategies\n\n")
                    .append("From ")
                    .append(c.startedAt())
                    .append(" to ")
                    .append(c.endedAt())
                    .append(".\n\n")
                    .append(table(c))
                    .append('\n');
            for (Row r : c.rows()) {
                if (r.error() != null) {
                    md.append("- ")
                            .append(r.strategy())
                            .append(": ")
                            .append(r.error())
                            .append('\n');
                }
            }
            md.append("\nEach strategy's full report is in its own directory (")
                    .append(String.join(
                            ", ", c.rows().stream().map(Row::strategy).toList()))
                    .append(").\n");
            Files.writeString(dir.resolve("comparison.md"), md.toString(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("junit.xml"), ReportWriter.junit(reports), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison into " + dir + ": " + e.getMessage(), e);
        }
    }
}
