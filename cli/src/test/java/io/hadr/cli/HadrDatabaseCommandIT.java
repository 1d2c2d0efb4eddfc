package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hadr db and hadr region, end to end, with writes flowing through the front door. */
class HadrDatabaseCommandIT {

    private static final String TOPOLOGY = """
            name: dbclitest
            local:
              endpointPort: 0
              appBasePort: 0
              databaseBasePort: 0
              controlPort: 0
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path workDir;

    private Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(workDir.resolve("hadr.yaml"), TOPOLOGY);
        cli = new Cli(workDir);
        Cli.Result up = cli.run("up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(up.out()).contains("database: primary centralindia, secondary southindia");
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("down");
    }

    @Test
    void failoverThereAndBackWithARegionLostKeepsEveryWriteOfThePlannedFailover() throws Exception {
        URI endpoint = URI.create(status().path("endpoint").asText());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            for (int seq = 1; writing.get(); seq++) {
                String id = "cli-" + seq;
                try {
                    HttpResponse<String> response = HTTP.send(
                            HttpRequest.newBuilder(endpoint.resolve("/api/records"))
                                    .timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"id\":\"" + id + "\",\"writer\":\"cli\",\"seq\":" + seq + "}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 201) {
                        acknowledged.add(id);
                    }
                    Thread.sleep(20);
                } catch (Exception e) {
                    // counted as not acknowledged
                }
            }
        });
        writer.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 20);

            Cli.Result planned = cli.run("db", "failover");
            assertThat(planned.exitCode()).as(planned.toString()).isZero();
            assertThat(planned.out())
                    .contains("planned failover: southindia is now primary (was centralindia)")
                    .contains("writes stopped")
                    .contains("secondary caught up")
                    .contains("promoted")
                    .contains("listeners moved");
            int afterPlanned = acknowledged.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= afterPlanned + 20);
            Set<String> acknowledgedBeforeForced = new HashSet<>(acknowledged);

            Cli.Result down = cli.run("region", "down", "southindia");
            assertThat(down.exitCode()).as(down.toString()).isZero();
            assertThat(down.out()).contains("killed database server southindia (primary, SIGKILL)");
            Cli.Result refused = cli.run("db", "failover");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).startsWith("hadr: ").contains("southindia");

            Cli.Result forced = cli.run("db", "failover", "--forced");
            assertThat(forced.exitCode()).as(forced.toString()).isZero();
            assertThat(forced.out())
                    .contains("forced failover: centralindia is now primary (was southindia)")
                    .contains("may be lost");

            Cli.Result regionUp = cli.run("region", "up", "southindia");
            assertThat(regionUp.exitCode()).as(regionUp.toString()).isZero();
            assertThat(regionUp.out()).contains("database server southindia is back as secondary");

            JsonNode db = status().path("database");
            assertThat(db.path("primary").asText()).isEqualTo("centralindia");
            assertThat(db.path("secondary").asText()).isEqualTo("southindia");
            Cli.Result dbStatus = cli.run("db", "status");
            assertThat(dbStatus.out())
                    .contains("southindia")
                    .contains("secondary")
                    .contains("last failover: forced");

            writing.set(false);
            writer.join(30_000);
            Set<String> stored = new HashSet<>();
            JSON.readTree(HTTP.send(
                                    HttpRequest.newBuilder(endpoint.resolve("/api/records?writer=cli"))
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("records")
                    .forEach(r -> stored.add(r.path("id").asText()));
            // The planned failover lost nothing; every write acknowledged before the region was lost is kept too,
            // since the forced failover promoted a server that had replayed them.
            assertThat(stored).containsAll(acknowledgedBeforeForced);
        } finally {
            writing.set(false);
            writer.join(30_000);
        }
    }

    @Test
    void dbStatusShowsRolesListenersAndLag() throws Exception {
        Cli.Result table = cli.run("db", "status");
        Cli.Result json = cli.run("db", "status", "--json");

        assertThat(table.exitCode()).isZero();
        assertThat(table.out())
                .contains("database: steady, primary centralindia, secondary southindia, async replication")
                .contains("FOR APPS IN")
                .contains("centralindia (across the link)")
                .contains("TIMELINE")
                .contains("replication seen by the primary: connected");
        JsonNode db = JSON.readTree(json.out());
        assertThat(db.path("servers")).hasSize(2);
        assertThat(db.path("readWriteTarget").asText()).isEqualTo("centralindia");
        assertThat(db.path("readOnlyTarget").asText()).isEqualTo("southindia");
        // Each look is a whole `hadr` process: the bound is about a CLI start on a busy machine, not the lag.
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(
                                JSON.readTree(cli.run("db", "status", "--json").out())
                                        .path("replicationLagBytes")
                                        .asLong())
                        .isZero());
        assertThat(List.of(
                        cli.run("db", "failover", "--forced", "--try-planned").exitCode()))
                .containsExactly(2);
        assertThat(db.path("servers").get(0).path("name").asText()).isEqualTo("centralindia");
    }

    private JsonNode status() throws Exception {
        Cli.Result result = cli.run("status", "--json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return JSON.readTree(result.out());
    }
}
