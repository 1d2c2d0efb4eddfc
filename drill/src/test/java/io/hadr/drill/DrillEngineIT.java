package io.hadr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hadr.core.json.Json;
import io.hadr.core.platform.Capability;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import io.hadr.drill.report.DrillReport;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.DrillParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the engine against {@link FakeEnvironment}: real HTTP on loopback, a front door that
 * notices a dead origin late, a geo-secondary that falls behind during a partition.
 */
class DrillEngineIT {

    private static final Topology TOPOLOGY = TopologyLoader.builtIn();
    private static final Duration DETECTION = Duration.ofMillis(400);

    @TempDir
    Path reports;

    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    private RunOptions.Builder options(String dir) {
        return RunOptions.builder()
                .reportDir(reports.resolve(dir))
                .progress(line -> {
                    progress.add(line);
                    System.out.println(line);
                })
                .statusInterval(Duration.ofMillis(100))
                .progressInterval(Duration.ofSeconds(1));
    }

    private static Drill drill(String text) {
        return DrillParser.parse("test-drill", "test-drill.yaml", text, TOPOLOGY);
    }

    @Test
    void shouldMeasureAnAppOutageAndWriteEveryReport() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result = DrillRunner.run(
                    "app-outage", env.platform(), options("app-outage").build());

            DrillReport report = result.report();
            assertThat(result.verdict()).as(report.verdictReason()).isEqualTo(Verdict.PASS);
            assertThat(result.exitStatus()).isZero();
            // The front door took the detection delay to notice: requests failed meanwhile, then moved.
            assertThat(report.reads().rtoMs()).isPositive();
            assertThat(report.reads().failed()).isPositive();
            assertThat(report.reads().byRegion()).containsKeys("Central India", "South India");
            assertThat(report.writes().lost()).isZero();
            assertThat(report.phases())
                    .extracting(DrillReport.Phase::name)
                    .contains(
                            "fault injected",
                            "first failure (reads)",
                            "recovered (reads)",
                            "steady again (reads)",
                            "traffic moved (reads)")
                    .anyMatch(name -> name.startsWith("detected"));
            assertThat(report.objectives())
                    .extracting(DrillReport.Objective::name)
                    .containsExactly("rto", "rpo");
            assertThat(env.calls).containsExactly("app stop centralindia", "app start centralindia");
            for (String file : List.of("report.json", "report.md", "report.html", "junit.xml")) {
                assertThat(result.reportDir().resolve(file)).isNotEmptyFile();
            }
            assertThat(Files.readString(result.reportDir().resolve("junit.xml")))
                    .contains("failures=\"0\"");
        }
    }

    @Test
    void shouldWriteTheContractFieldsOfReportJson() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result = DrillRunner.run(
                    drill("""
                    title: short outage
                    steadyState:
                      window: 1s
                    method:
                      - app stop primary
                      - expect reads served from secondary within 20s
                      - app start primary
                    """), env.platform(), options("contract").build());

            JsonNode json = Json.mapper()
                    .readTree(result.reportDir().resolve("report.json").toFile());

            for (String field : List.of(
                    "drill",
                    "verdict",
                    "startedAt",
                    "endedAt",
                    "platform",
                    "hadrVersion",
                    "topology",
                    "strategy",
                    "objectives",
                    "phases",
                    "reads",
                    "writes",
                    "restore")) {
                assertThat(json.has(field)).as(field).isTrue();
            }
            assertThat(json.get("drill").asText()).isEqualTo("test-drill");
            assertThat(json.get("verdict").asText()).isIn("PASS", "FAIL", "ABORTED");
            assertThat(json.get("platform").asText()).isEqualTo("fake");
            assertThat(json.get("strategy").asText()).isEqualTo("active-passive");
            assertThat(json.get("topology").get("regions")).hasSize(2);
            JsonNode rto = json.get("objectives").get(0);
            assertThat(rto.get("name").asText()).isEqualTo("rto");
            assertThat(rto.get("target").asText()).isEqualTo("1m");
            assertThat(rto.has("measured") && rto.has("measuredMs") && rto.has("verdict"))
                    .isTrue();
            JsonNode fault = json.get("phases").get(0);
            assertThat(fault.get("name").asText()).isEqualTo("fault injected");
            assertThat(fault.get("atMs").asLong()).isZero();
            assertThat(fault.get("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            for (String field : List.of("sent", "ok", "failed", "rtoMs", "byRegion")) {
                assertThat(json.get("reads").has(field)).as("reads." + field).isTrue();
            }
            for (String field : List.of(
                    "sent", "acknowledged", "failed", "rtoMs", "lost", "lostIds", "lostSpanMs", "inDoubt", "writer")) {
                assertThat(json.get("writes").has(field)).as("writes." + field).isTrue();
            }
            assertThat(json.get("writes").get("writer").asText()).startsWith("test-drill-");
            assertThat(json.get("restore").isNull()).isTrue();
        }
    }

    @Test
    void shouldFailAnImpossibleObjectiveWithTheMeasuredValue() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result = DrillRunner.run(
                    drill("""
                    title: impossible
                    steadyState:
                      window: 1s
                    method:
                      - app stop primary
                      - expect reads served from secondary within 20s
                      - app start primary
                    """),
                    env.platform(),
                    options("impossible").objective("rto=1ms").build());

            assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(result.exitStatus()).isEqualTo(1);
            DrillReport.Objective rto = result.report().objectives().get(0);
            assertThat(rto.target()).isEqualTo("1ms");
            assertThat(rto.verdict()).isEqualTo("FAIL");
            assertThat(rto.measuredMs()).isGreaterThan(1);
            assertThat(rto.measured()).endsWith("s");
            assertThat(result.report().verdictReason()).contains("RTO " + rto.measured() + " against 1ms");
            assertThat(Files.readString(result.reportDir().resolve("junit.xml")))
                    .contains("<failure message=\"RTO ");
        }
    }

    @Test
    void shouldAbortOnASafeguardAndRollBack() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result = DrillRunner.run(
                    drill("""
                    title: everything goes
                    steadyState:
                      window: 1s
                    method:
                      - app stop primary
                      - app stop secondary
                      - wait 60s
                      - app start secondary
                    rollbacks:
                      when: on-deviation
                      steps:
                        - app start primary
                        - app start secondary
                    safeguards:
                      - error rate above 50% for 1s
                    """), env.platform(), options("safeguard").build());

            assertThat(result.verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(result.exitStatus()).isEqualTo(1);
            assertThat(result.report().safeguardTripped()).contains("error rate above 50% for 1s");
            assertThat(result.report().steps())
                    .extracting(DrillReport.StepResult::status)
                    .containsExactly("done", "done", "aborted", "aborted");
            assertThat(result.report().steps().get(2).durationMs())
                    .as("the wait was cut short")
                    .isLessThan(60_000L);
            assertThat(result.report().rollbacks())
                    .extracting(DrillReport.StepResult::status)
                    .containsExactly("done", "done");
            assertThat(env.region("centralindia").appRunning).isTrue();
            assertThat(env.region("southindia").appRunning).isTrue();
            assertThat(env.calls).endsWith("app start centralindia", "app start southindia");
        }
    }

    @Test
    void shouldAbortWhenItsThreadIsInterruptedThenRollBackAndReport() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            Drill drill = drill("""
                    title: interrupted by the operator
                    steadyState:
                      window: 1s
                    method:
                      - app stop primary
                      - wait 60s
                      - app start primary
                    rollbacks:
                      when: on-deviation
                      steps:
                        - app start primary
                    """);
            java.util.concurrent.atomic.AtomicReference<DrillResult> result =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread runner = new Thread(() -> {
                try {
                    result.set(DrillRunner.run(
                            drill, env.platform(), options("interrupted").build()));
                } catch (InterruptedException e) {
                    throw new AssertionError("the drill should end with a report, not an exception", e);
                }
            });
            runner.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (progress.stream().noneMatch(l -> l.contains("wait 1m …")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(progress).as("the method reached its wait").anyMatch(l -> l.contains("wait 1m …"));

            runner.interrupt();
            runner.join(60_000);

            assertThat(runner.isAlive()).isFalse();
            DrillReport report = result.get().report();
            assertThat(result.get().verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(report.verdictReason()).startsWith("interrupted");
            assertThat(report.steps())
                    .extracting(DrillReport.StepResult::status)
                    .containsExactly("done", "aborted", "aborted");
            assertThat(report.rollbacks())
                    .extracting(DrillReport.StepResult::status)
                    .containsExactly("done");
            assertThat(env.region("centralindia").appRunning).isTrue();
            assertThat(report.writes().lost())
                    .as("the evidence is still read back")
                    .isZero();
            assertThat(result.get().reportDir().resolve("report.html")).isNotEmptyFile();
        }
    }

    @Test
    void shouldCountExactlyTheAcknowledgedWritesAForcedFailoverLost() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result = DrillRunner.run(
                    "db-forced-failover", env.platform(), options("forced").build());

            DrillReport report = result.report();
            Set<String> discarded = env.lostOnForcedFailover();
            assertThat(discarded)
                    .as("the partition made the primary acknowledge writes the secondary never got")
                    .isNotEmpty();
            String writer = report.writes().writer();
            Set<String> present = env.idsOf(writer);
            List<String> acknowledgedAbsent = new ArrayList<>();
            for (String id : discarded) {
                if (!present.contains(id)) {
                    acknowledgedAbsent.add(id);
                }
            }
            assertThat(new HashSet<>(report.writes().lostIds())).isEqualTo(new HashSet<>(acknowledgedAbsent));
            assertThat(report.writes().lost())
                    .isEqualTo(acknowledgedAbsent.size())
                    .isPositive();
            // The lost writes were acknowledged after the partition began and before the region went.
            long partitionStartedMsBeforeTheFault = -report.steps().get(0).atMs();
            assertThat(report.steps().get(0).step()).isEqualTo("link partition");
            assertThat(report.writes().lostSpanMs()).isPositive().isLessThanOrEqualTo(partitionStartedMsBeforeTheFault);
            assertThat(report.objectives().get(1).measuredMs())
                    .isEqualTo(report.writes().lostSpanMs());
            assertThat(report.rollbacks())
                    .extracting(DrillReport.StepResult::status)
                    .doesNotContain("failed");
            assertThat(env.primary()).isEqualTo("centralindia");
        }
    }

    @Test
    void shouldRetryAReadBackThatBrokeOffInsteadOfCountingWritesAsLost() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            env.breakNextReads(2);

            DrillResult result = DrillRunner.run(
                    drill("""
                    title: nothing happens
                    steadyState:
                      window: 1s
                    method:
                      - wait 1s
                    """), env.platform(), options("broken-read").build());

            assertThat(result.report().writes().lost()).isZero();
            assertThat(result.report().writes().acknowledged()).isPositive();
            assertThat(result.report().writes().present())
                    .isEqualTo((int) result.report().writes().acknowledged());
            assertThat(progress)
                    .anyMatch(line ->
                            line.contains("failed (attempt 1 of 10)") && line.contains("not a whole JSON document"));
        }
    }

    @Test
    void shouldReportADrillWhoseFaultThePlatformCannotInjectAsNotApplicable() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            Set<Capability> azureLike = EnumSet.allOf(Capability.class);
            azureLike.remove(Capability.REGION_OUTAGE);
            azureLike.remove(Capability.LINK_FAULTS);

            DrillResult result = DrillRunner.run(
                    "region-outage", env.platform(azureLike), options("na").build());

            assertThat(result.verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
            assertThat(result.exitStatus()).isZero();
            assertThat(result.report().verdictReason()).contains("the fake platform cannot take a region down");
            assertThat(result.report().steps().get(0).status()).isEqualTo("not applicable");
            assertThat(env.calls).isEmpty();
            assertThat(Files.readString(result.reportDir().resolve("junit.xml")))
                    .contains("<skipped");
        }
    }

    @Test
    void shouldReportAnOptionalStepThePlatformCannotDoAsNotApplicableAndRunTheRest() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            Set<Capability> noLink = EnumSet.allOf(Capability.class);
            noLink.remove(Capability.LINK_FAULTS);

            DrillResult result = DrillRunner.run(
                    drill("""
                    title: partition, then fail over
                    steadyState:
                      window: 1s
                    method:
                      - do: link partition
                        optional: true
                      - do: db failover planned
                        fault: true
                      - expect db primary is secondary within 10s
                      - db failover planned
                    """), env.platform(noLink), options("na-step").build());

            assertThat(result.report().steps())
                    .extracting(DrillReport.StepResult::status)
                    .containsExactly("not applicable", "done", "done", "done");
            assertThat(result.report().steps().get(0).detail())
                    .isEqualTo("the fake platform cannot change the inter-region link");
            assertThat(result.plan()).contains("NOT APPLICABLE: the fake platform cannot change the inter-region link");
            assertThat(env.calls).containsExactly("db failover planned", "db failover planned");
        }
    }

    @Test
    void shouldReportADrillAsNotApplicableWhenAnyOfItsStepsCannotBeDoneNotOnlyItsFault() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            Set<Capability> noLink = EnumSet.allOf(Capability.class);
            noLink.remove(Capability.LINK_FAULTS);

            DrillResult result = DrillRunner.run(
                    "db-forced-failover",
                    env.platform(noLink),
                    options("na-partition").build());

            // Without the partition the forced failover would lose nothing and pass for the wrong reason.
            assertThat(result.verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
            assertThat(result.report().verdictReason())
                    .contains(
                            "step 1 (link partition) is part of the drill, and the fake platform cannot change the inter-region link");
            assertThat(result.report().steps())
                    .extracting(DrillReport.StepResult::status)
                    .first()
                    .isEqualTo("not applicable");
            assertThat(result.plan()).contains("the drill is NOT APPLICABLE here: step 1 (link partition)");
            assertThat(env.calls).isEmpty();
        }
    }

    @Test
    void shouldRestoreToJustBeforeADeleteExactlyRowByRow() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result =
                    DrillRunner.run("pitr", env.platform(), options("pitr").build());

            DrillReport report = result.report();
            assertThat(result.verdict()).as(report.verdictReason()).isEqualTo(Verdict.PASS);
            assertThat(report.restore()).isNotNull();
            assertThat(report.restore().exact()).isTrue();
            assertThat(report.restore().expectedRows()).isPositive();
            assertThat(report.restore().missingIds()).isEmpty();
            assertThat(report.objectives())
                    .extracting(DrillReport.Objective::name)
                    .containsExactly("rto", "rpo", "restore");
            // What the adopted restore holds is what the read-back found: the rows from before the DELETE are back.
            assertThat(env.idsOf(report.writes().writer()).size())
                    .isGreaterThanOrEqualTo(report.restore().expectedRows());
            assertThat(env.calls).anyMatch(c -> c.startsWith("db sql DELETE FROM records WHERE writer IN ('pitr-"));
        }
    }

    @Test
    void shouldCheckAGeoRestoreThatReachedNoTransactionAsOwingNoRowAndCountTheLossAsRpo() throws Exception {
        Topology cold = StrategyComparison.withStrategy(TOPOLOGY, Strategy.COLD_STANDBY);
        try (FakeEnvironment env = new FakeEnvironment(cold, DETECTION)) {
            env.geoBackupLag(Duration.ofHours(1));

            DrillResult result = DrillRunner.run(
                    "region-outage", env.platform(), options("cold").build());

            DrillReport report = result.report();
            assertThat(report.restore()).isNotNull();
            assertThat(report.restore().error()).as("the restore was checked").isNull();
            assertThat(report.restore().exact()).isTrue();
            assertThat(report.restore().expectedRows()).isZero();
            assertThat(report.restore().restoredRows()).isZero();
            assertThat(report.writes().lost())
                    .as("every write acknowledged before the region went")
                    .isPositive();
            assertThat(report.objectives())
                    .filteredOn(o -> o.name().equals("restore"))
                    .singleElement()
                    .satisfies(o -> assertThat(o.verdict()).isEqualTo("PASS"));
            assertThat(report.writes().lostSpanIsLowerBound()).isTrue();
            assertThat(report.objectives())
                    .filteredOn(o -> o.name().equals("rpo"))
                    .singleElement()
                    .satisfies(o -> {
                        assertThat(o.verdict())
                                .as("an RPO only known to be at least the span cannot pass")
                                .isEqualTo("FAIL");
                        assertThat(o.measured()).startsWith(">= ");
                    });
        }
    }

    @Test
    void shouldPrintThePlanOfADryRunAndTouchNothing() throws Exception {
        try (FakeEnvironment env = new FakeEnvironment(TOPOLOGY, DETECTION)) {
            DrillResult result = DrillRunner.run(
                    "region-outage",
                    env.platform(),
                    options("dry").dryRun(true).objective("rto=30s").build());

            assertThat(result.report()).isNull();
            assertThat(result.plan())
                    .contains(
                            "Drill region-outage",
                            "RTO 30s (command line)",
                            "RPO 5s (topology)",
                            "region down primary",
                            "the fault: RTO is measured from here",
                            "skipped: only for cold-standby, not active-passive");
            assertThat(env.calls).isEmpty();
            assertThat(reports.resolve("dry")).doesNotExist();
        }
    }

    @Test
    void shouldCompareTheFourStrategies() throws Exception {
        List<FakeEnvironment> environments = Collections.synchronizedList(new ArrayList<>());

        StrategyComparison.Result result = StrategyComparison.runOn(
                "region-outage",
                TOPOLOGY,
                topology -> {
                    try {
                        FakeEnvironment env = new FakeEnvironment(topology, DETECTION);
                        environments.add(env);
                        FakeEnvironment.FakePlatform platform = env.platform();
                        platform.onClose = env::close;
                        return platform;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                options("compare").build());

        assertThat(result.comparison().rows())
                .extracting(StrategyComparison.Row::strategy)
                .containsExactly("active-active", "active-passive", "warm-standby", "cold-standby");
        assertThat(environments)
                .extracting(e -> e.platform().topology().strategy())
                .containsExactly(
                        Strategy.ACTIVE_ACTIVE, Strategy.ACTIVE_PASSIVE, Strategy.WARM_STANDBY, Strategy.COLD_STANDBY);
        for (StrategyComparison.Row row : result.comparison().rows()) {
            assertThat(row.verdict()).as(row.strategy() + ": " + row.error()).isIn("PASS", "FAIL");
            assertThat(row.rtoMs()).as(row.strategy()).isNotNull();
            assertThat(row.lostSpanMs()).as(row.strategy()).isNotNull();
        }
        assertThat(environments.get(3).calls).contains("db restore", "app start southindia");
        assertThat(result.reportDir().resolve("comparison.md")).content().contains("| cold-standby |");
        assertThat(result.reportDir().resolve("warm-standby").resolve("report.html"))
                .isNotEmptyFile();
    }
}
