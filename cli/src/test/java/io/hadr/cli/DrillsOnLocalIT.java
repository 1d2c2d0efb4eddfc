package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.platform.Capability;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import io.hadr.drill.BuiltInDrills;
import io.hadr.drill.DrillRunner;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.Step;
import io.hadr.local.LocalPlatform;
import io.hadr.local.StateDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drills against real local environments, through the hadr command as a user runs it: the
 * built-in drills one after the other ({@code hadr demo}, in an environment of its own started
 * beside one that already runs), a drill whose objective cannot be met, and a drill stopped by its
 * safeguard whose rollback must leave the running environment as it found it.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class DrillsOnLocalIT {

    static final String TOPOLOGY = """
            name: drilltest
            local:
              endpointPort: 0
              appBasePort: 0
              databaseBasePort: 0
              controlPort: 0
            """;

    /** Every request fails while both origins are disabled: the two seconds are a floor under the RTO. */
    static final String BOTH_ORIGINS_AWAY = """
            title: Both origins away for two seconds
            traffic:
              reads: 10
              writes: 5
              writers: 1
            steadyState:
              probes:
                - reads succeed >= 99%
            method:
              - do: frontdoor origin primary disable
                fault: true
              - frontdoor origin secondary disable
              - wait 2s
              - frontdoor origin primary enable
              - frontdoor origin secondary enable
              - expect reads succeed within 60s
              - expect writes succeed within 60s
            rollbacks:
              when: always
              steps:
                - frontdoor origin primary enable
                - frontdoor origin secondary enable
            """;

    /** A fault the method never heals: only the safeguard ends it, and only the rollback repairs it. */
    static final String NEVER_HEALS = """
            title: Both origins away until the safeguard stops the drill
            traffic:
              reads: 10
              writes: 5
              writers: 1
            steadyState:
              probes:
                - reads succeed >= 99%
            method:
              - do: frontdoor origin primary disable
                fault: true
              - frontdoor origin secondary disable
              - wait 10m
            rollbacks:
              when: on-deviation
              steps:
                - frontdoor origin primary enable
                - frontdoor origin secondary enable
                - expect reads succeed within 60s
            safeguards:
              - error rate above 50% for 3s
            """;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path workDir;

    private static Cli cli;
    private static final List<Long> startedPids = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        // PostgreSQL runs as nobody when tests run as root: it must be able to reach the state directory.
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(workDir.resolve("hadr.yaml"), TOPOLOGY);
        Files.writeString(workDir.resolve("both-origins-away.yaml"), BOTH_ORIGINS_AWAY);
        Files.writeString(workDir.resolve("never-heals.yaml"), NEVER_HEALS);
        cli = new Cli(workDir);
        Cli.Result up = cli.run("up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        JsonNode status = status();
        startedPids.add(status.path("pid").asLong());
        startedPids.addAll(pids(status));
    }

    @AfterAll
    static void down() throws Exception {
        if (cli != null) {
            cli.run("down");
        }
        for (long pid : startedPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void demoRunsEveryBuiltInDrillInAFreshEnvironmentBesideARunningOneAndLeavesNothingBehind() throws Exception {
        Set<Capability> local;
        try (LocalPlatform running = LocalPlatform.connect(new StateDir(workDir.resolve(".hadr")))) {
            local = EnumSet.copyOf(running.capabilities());
        }
        Topology topology = TopologyLoader.load(workDir.resolve("hadr.yaml"));
        Map<String, String> expected = new HashMap<>();
        for (String name : BuiltInDrills.NAMES) {
            expected.put(
                    name,
                    local.containsAll(needs(DrillRunner.load(name, topology), topology)) ? "PASS" : "NOT_APPLICABLE");
        }
        Path reports = workDir.resolve("demo-reports");
        URI endpointBefore = URI.create(status().path("endpoint").asText());

        Cli.Result demo = cli.run(Duration.ofMinutes(8), "demo", "--report-dir", reports.toString());

        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        JsonNode summary = JSON.readTree(reports.resolve("summary.json").toFile());
        Map<String, String> verdicts = new HashMap<>();
        for (JsonNode drill : summary.path("drills")) {
            verdicts.put(drill.path("drill").asText(), drill.path("verdict").asText());
            if (drill.path("verdict").asText().equals("PASS")) {
                switch (drill.path("drill").asText()) {
                    // Writes acknowledged by the primary while the link was cut never reached the
                    // secondary: the forced failover loses them, and the drill counts them.
                    case "db-forced-failover" ->
                        assertThat(drill.path("lostWrites").asInt())
                                .as(drill.toString())
                                .isPositive();
                    // Writes acknowledged after the restore point are not in the restored database.
                    case "pitr" ->
                        assertThat(drill.path("lostWrites").asInt())
                                .as(drill.toString())
                                .isNotNegative();
                    default ->
                        assertThat(drill.path("lostWrites").asInt())
                                .as(drill.toString())
                                .isZero();
                }
                assertThat(drill.path("acknowledgedWrites").asLong())
                        .as(drill.toString())
                        .isPositive();
                assertThat(reports.resolve(drill.path("report").asText())).isRegularFile();
            } else {
                assertThat(drill.path("reason").asText()).as(drill.toString()).contains("the local platform cannot");
            }
        }
        assertThat(verdicts).as(demo.out()).isEqualTo(expected);
        assertThat(reports.resolve("index.html")).isRegularFile();
        assertThat(reports.resolve("junit.xml")).isRegularFile();
        assertThat(demo.out())
                .contains(
                        "DRILL",
                        "VERDICT",
                        "RTO",
                        "RPO",
                        "nothing left running",
                        reports.resolve("index.html").toString());
        Matcher state = Pattern.compile("state: (\\S+)").matcher(demo.out());
        assertThat(state.find()).as(demo.out()).isTrue();
        Path demoState = Path.of(state.group(1));
        assertThat(demoState).doesNotExist();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(demoState.toString())))
                .isEmpty();
        // The environment that ran beside the demo was not touched.
        assertThat(URI.create(status().path("endpoint").asText())).isEqualTo(endpointBefore);
        assertThat(get(endpointBefore).statusCode()).isEqualTo(200);
    }

    @Test
    void anObjectiveThatCannotBeMetFailsWithTheMeasuredValueAndExitStatusOne() throws Exception {
        Path reports = workDir.resolve("impossible");

        Cli.Result run = cli.run(
                Duration.ofMinutes(4),
                "drill",
                "run",
                "both-origins-away.yaml",
                "--objective",
                "rto=1ms",
                "--report-dir",
                reports.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("using the environment running from").contains("Drill both-origins-away: FAIL");
        JsonNode report = JSON.readTree(reports.resolve("report.json").toFile());
        assertThat(report.path("verdict").asText()).isEqualTo("FAIL");
        JsonNode rto = objective(report, "rto");
        assertThat(rto.path("verdict").asText()).isEqualTo("FAIL");
        assertThat(rto.path("target").asText()).isEqualTo("1ms");
        assertThat(rto.path("measuredMs").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(run.out())
                .containsPattern("RTO\\s+FAIL\\s+measured "
                        + Pattern.quote(rto.path("measured").asText()));
        assertOriginsEnabledAndHealthy();
    }

    @Test
    void aSafeguardAbortsTheDrillAndTheRollbackRestoresTheEnvironment() throws Exception {
        Path reports = workDir.resolve("safeguard");

        Cli.Result run =
                cli.run(Duration.ofMinutes(4), "drill", "run", "never-heals.yaml", "--report-dir", reports.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        JsonNode report = JSON.readTree(reports.resolve("report.json").toFile());
        assertThat(report.path("verdict").asText()).as(run.out()).isEqualTo("ABORTED");
        assertThat(report.toString()).contains("error rate above 50% for 3s");
        assertThat(report.path("verdictReason").asText()).contains("error rate above 50% for 3s");
        assertThat(report.path("rollbacks"))
                .hasSize(3)
                .allSatisfy(step -> assertThat(step.path("status").asText())
                        .as(step.toString())
                        .isEqualTo("done"));
        assertOriginsEnabledAndHealthy();
        assertThat(get(URI.create(status().path("endpoint").asText())).statusCode())
                .isEqualTo(200);
    }

    /** What the drill's method needs under the topology's strategy: a step it cannot do makes it not applicable. */
    private static Set<Capability> needs(Drill drill, Topology topology) {
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        for (Step step : drill.method()) {
            if (step.appliesTo(topology.strategy()) && !step.optional()) {
                needs.addAll(step.action().capabilities());
            }
        }
        return needs;
    }

    private static void assertOriginsEnabledAndHealthy() throws Exception {
        JsonNode status = status();
        assertThat(status.path("regions")).allSatisfy(region -> {
            assertThat(region.path("origin").path("enabled").asBoolean())
                    .as(region.toString())
                    .isTrue();
        });
    }

    private static JsonNode objective(JsonNode report, String name) {
        for (JsonNode objective : report.path("objectives")) {
            if (objective.path("name").asText().equals(name)) {
                return objective;
            }
        }
        throw new AssertionError("no objective " + name + " in " + report);
    }

    static JsonNode status() throws Exception {
        Cli.Result status = cli.run("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        return JSON.readTree(status.out());
    }

    static List<Long> pids(JsonNode status) {
        List<Long> pids = new ArrayList<>();
        status.findValues("pid").forEach(pid -> {
            if (pid.asLong() > 0) {
                pids.add(pid.asLong());
            }
        });
        return pids;
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
