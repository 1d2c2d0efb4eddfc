package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hadr command end to end against one environment started with {@code hadr up --detach}: real
 * processes, real HTTP, as a user runs it. Tests run in random order; each leaves both apps running
 * and healthy. Starting, stopping and killing whole environments is {@link HadrLifecycleIT}'s.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class HadrCommandIT {

    static final String TOPOLOGY = """
            name: clitest
            local:
              endpointPort: 0
              appBasePort: 0
              databaseBasePort: 0
              controlPort: 0
            """;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path workDir;

    private static Cli cli;
    private static Cli.Result up;
    private static final List<Long> startedPids = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        // PostgreSQL runs as nobody when tests run as root: it must be able to reach the state directory.
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(workDir.resolve("hadr.yaml"), TOPOLOGY);
        cli = new Cli(workDir);
        up = cli.run("up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        JsonNode status = status(cli);
        startedPids.add(status.path("pid").asLong());
        startedPids.addAll(pids(status));
    }

    @AfterAll
    static void down() throws Exception {
        Cli.Result down = cli == null ? null : cli.run("down");
        for (long pid : startedPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        // Checked after the clean-up: `down` must say it worked when it did (its 202 came before the server went).
        if (down != null) {
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
    }

    /** Both apps running and both origins healthy again, whatever the test did. */
    @AfterEach
    void restore() throws Exception {
        for (String region : List.of("centralindia", "southindia")) {
            Cli.Result start = cli.run("app", "start", region);
            assertThat(start.exitCode()).as(start.toString()).isZero();
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(status(cli).path("regions"))
                        .allSatisfy(region -> assertThat(
                                        region.path("origin").path("healthy").asBoolean())
                                .isTrue()));
    }

    @Test
    void upStartsBothRegionsAndStatusShowsThem() throws Exception {
        assertThat(up.out())
                .contains("starting app centralindia-0")
                .contains("ready after")
                .contains("running in the background");

        JsonNode status = status(cli);

        assertThat(status.path("regions")).hasSize(2);
        assertThat(status.path("regions").get(0).path("displayName").asText()).isEqualTo("Central India");
        assertThat(status.path("regions").get(0).path("role").asText()).isEqualTo("primary");
        assertThat(status.path("regions").get(1).path("displayName").asText()).isEqualTo("South India");
        assertThat(get(status, appUrl(status, 0))).contains("\"region\":\"Central India\"");
        assertThat(get(status, appUrl(status, 1))).contains("\"region\":\"South India\"");
        Cli.Result table = cli.run("status");
        assertThat(table.out())
                .contains("centralindia")
                .contains("South India")
                .contains("running")
                .contains("front door id " + status.path("frontDoorId").asText())
                .contains("app JVM options: -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                .contains("quick start: C1 JIT only");
        assertThat(status.path("appJvmOptions").toString()).contains("\"-XX:TieredStopAtLevel=1\"");
        assertContractFields(status);
    }

    /** The fields of {@code hadr status --json} that other tools rely on (DESIGN.md). */
    private static void assertContractFields(JsonNode status) {
        assertThat(status.path("endpoint").asText()).startsWith("http://127.0.0.1:");
        assertThat(status.path("frontDoorId").asText())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        for (JsonNode region : status.path("regions")) {
            assertThat(region.path("id").isTextual()).isTrue();
            assertThat(region.path("displayName").isTextual()).isTrue();
            assertThat(region.path("apps").get(0).path("url").asText()).startsWith("http://127.0.0.1:");
            assertThat(region.path("apps").get(0).path("state").asText()).isEqualTo("running");
            assertThat(region.path("origin").path("priority").isInt()).isTrue();
            assertThat(region.path("origin").path("weight").asInt()).isEqualTo(1000);
            assertThat(region.path("origin").path("healthy").isBoolean()).isTrue();
        }
        JsonNode db = status.path("database");
        assertThat(db.path("primary").asText()).isEqualTo("centralindia");
        assertThat(db.path("secondary").asText()).isEqualTo("southindia");
        assertThat(db.path("readWriteListener").asText()).startsWith("127.0.0.1:");
        assertThat(db.path("readOnlyListener").asText()).startsWith("127.0.0.1:");
        assertThat(db.has("replicationLagMs")).isTrue();
        assertThat(db.path("servers")).hasSize(2).allSatisfy(server -> {
            assertThat(server.path("name").asText()).isIn("centralindia", "southindia");
            assertThat(server.path("role").asText()).isIn("primary", "secondary");
            assertThat(server.path("state").asText()).isEqualTo("running");
            assertThat(server.path("pid").isIntegralNumber()).isTrue();
        });
    }

    @Test
    void anUnknownRegionIsBadUsageNamingTheRegionsThatExist() throws Exception {
        Cli.Result app = cli.run("app", "stop", "mars");
        Cli.Result region = cli.run("region", "down", "mars");
        Cli.Result origin = cli.run("frontdoor", "origin", "mars", "disable");
        Cli.Result scale = cli.run("app", "scale", "mars", "2");

        for (Cli.Result result : List.of(app, region, origin, scale)) {
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.err()).isEqualTo("hadr: no region 'mars'; the regions are centralindia, southindia\n");
        }
    }

    @Test
    void appStopRefusesConnectionsWhileTheOtherRegionAnswersAndStartBringsItBack() throws Exception {
        JsonNode status = status(cli);
        URI central = appUrl(status, 0);
        URI south = appUrl(status, 1);

        Cli.Result stop = cli.run("app", "stop", "centralindia");

        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(stop.out()).startsWith("stopped app centralindia-0");
        assertRefused(status, central);
        assertThat(get(status, south)).contains("South India");

        Cli.Result start = cli.run("app", "start", "centralindia", "--json");

        assertThat(start.exitCode()).as(start.toString()).isZero();
        JsonNode started = JSON.readTree(start.out()).path("instances").get(0);
        assertThat(started.path("before").asText()).isEqualTo("stopped");
        assertThat(started.path("after").asText()).isEqualTo("running");
        assertThat(get(status, central)).contains("Central India");
    }

    @Test
    void endpointKeepsAnsweringFromSouthIndiaWhileCentralIndiaIsStopped() throws Exception {
        JsonNode before = status(cli);
        URI endpoint = URI.create(before.path("endpoint").asText() + "/");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(get(before, endpoint)).contains("Central India"));

        cli.run("app", "stop", "centralindia");

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("South India");
        }
        Cli.Result disable = cli.run("frontdoor", "origin", "southindia", "--weight", "2000");
        assertThat(disable.exitCode()).isEqualTo(2);
        assertThat(disable.err())
                .contains("weight must be between 1 and 1000 (Azure Front Door's range), but was 2000");
        JsonNode origin = status(cli).path("regions").get(0).path("origin");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(status(cli)
                                .path("regions")
                                .get(0)
                                .path("origin")
                                .path("healthy")
                                .asBoolean())
                        .isFalse());
        assertThat(origin.path("priority").asInt()).isEqualTo(1);
    }

    @Test
    void linkCommandsChangeTheLinkAndStatusShowsIt() throws Exception {
        Cli.Result latency = cli.run("link", "latency", "25ms");
        Cli.Result partition = cli.run("link", "partition");
        Cli.Result shown = cli.run("link", "--json");
        Cli.Result table = cli.run("status");
        Cli.Result heal = cli.run("link", "heal");
        Cli.Result back = cli.run("link", "latency", "10ms");

        for (Cli.Result result : List.of(latency, partition, shown, table, heal, back)) {
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
        assertThat(latency.out()).startsWith("link centralindia <-> southindia: 25 ms one way, whole");
        assertThat(partition.out()).contains("PARTITIONED");
        JsonNode link = JSON.readTree(shown.out());
        assertThat(link.path("latencyMs").asDouble()).isEqualTo(25.0);
        assertThat(link.path("partitioned").asBoolean()).isTrue();
        assertThat(table.out()).contains("PARTITIONED");
        assertThat(heal.out()).contains("25 ms one way, whole");
        assertThat(status(cli).path("link").path("latencyMs").asDouble()).isEqualTo(10.0);
    }

    @Test
    void appScaleChangesTheNumberOfInstancesServing() throws Exception {
        Cli.Result out = cli.run("app", "scale", "southindia", "2");

        assertThat(out.exitCode()).as(out.toString()).isZero();
        JsonNode two = status(cli).path("regions").get(1).path("apps");
        assertThat(two)
                .hasSize(2)
                .allSatisfy(app -> assertThat(app.path("state").asText()).isEqualTo("running"));
        JsonNode status = status(cli);
        for (JsonNode app : two) {
            assertThat(get(status, URI.create(app.path("url").asText() + "/"))).contains("South India");
        }

        Cli.Result in = cli.run("app", "scale", "southindia", "1", "--json");

        assertThat(in.exitCode()).as(in.toString()).isZero();
        JsonNode result = JSON.readTree(in.out());
        assertThat(result.path("before").asInt()).isEqualTo(2);
        assertThat(result.path("after").asInt()).isEqualTo(1);
        assertThat(status(cli).path("regions").get(1).path("apps")).hasSize(1);
    }

    @Test
    void killIsNoticedByStatus() throws Exception {
        Cli.Result kill = cli.run("app", "kill", "southindia");

        assertThat(kill.exitCode()).as(kill.toString()).isZero();
        JsonNode app = status(cli).path("regions").get(1).path("apps").get(0);
        assertThat(app.path("state").asText()).isEqualTo("crashed");
        assertThat(app.path("lastExit").asText()).contains("killed by signal 9");
        assertThat(cli.run("status").out()).contains("crashed").contains("hadr app start southindia");
    }

    @Test
    void secondUpInTheSameStateDirectoryIsRefused() throws Exception {
        Cli.Result second = cli.run("up", "--detach");

        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err())
                .contains("an environment is already running from")
                .contains("hadr down");
    }

    static JsonNode status(Cli cli) throws Exception {
        Cli.Result result = cli.run("status", "--json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return JSON.readTree(result.out());
    }

    private static URI appUrl(JsonNode status, int region) {
        return URI.create(status.path("regions")
                        .get(region)
                        .path("apps")
                        .get(0)
                        .path("url")
                        .asText() + "/");
    }

    static List<Long> pids(JsonNode status) {
        List<Long> pids = new ArrayList<>();
        status.path("regions")
                .forEach(r -> r.path("apps").forEach(a -> {
                    if (!a.path("pid").isNull()) {
                        pids.add(a.path("pid").asLong());
                    }
                }));
        return pids;
    }

    /** Apps are locked to their front door: send its id, as the front door does; status shows it. */
    private static String get(JsonNode status, URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5))
                .header("X-Azure-FDID", status.path("frontDoorId").asText());
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void assertRefused(JsonNode status, URI uri) {
        try {
            get(status, uri);
            throw new AssertionError(uri + " still answers");
        } catch (ConnectException expected) {
            // refused: nothing listens any more
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(uri + " failed with " + e + " instead of refusing the connection");
        }
    }
}
