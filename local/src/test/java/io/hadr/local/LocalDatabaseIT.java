package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app and the geo-replicated database together, through the front door: what a user sees of
 * writes, reads and failovers. Real app processes, real PostgreSQL, real HTTP.
 */
class LocalDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path stateRoot;

    private static LocalEnvironment environment;
    private static URI endpoint;

    @BeforeAll
    static void start() {
        Topology topology = TopologyLoader.parse("test.yaml", LocalEnvironmentIT.TOPOLOGY);
        StateDir stateDir = new StateDir(TestDirs.reachable(stateRoot));
        environment = LocalEnvironment.start(topology, stateDir, AppJar.locate(stateDir), line -> {});
        endpoint = environment.endpoint();
    }

    @AfterAll
    static void stop() {
        if (environment != null) {
            environment.close();
        }
    }

    /** Every test leaves Central India primary, as it found it. */
    @AfterEach
    void restoreRoles() {
        if (!"centralindia".equals(environment.databaseStatus().primary())) {
            environment.failover(FailoverMode.PLANNED);
        }
    }

    @Test
    void writeIsAcknowledgedOnceAndARetryNeverDuplicates() throws Exception {
        HttpResponse<String> first = post("{\"id\":\"idem-1\",\"writer\":\"idem\",\"seq\":1}");
        HttpResponse<String> retry = post("{\"id\":\"idem-1\",\"writer\":\"idem\",\"seq\":1}");
        HttpResponse<String> clash = post("{\"id\":\"idem-1\",\"writer\":\"idem\",\"seq\":2}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(first.body()).path("region").asText()).isEqualTo("Central India");
        assertThat(JSON.readTree(first.body()).path("committedAt").asText()).isNotEmpty();
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(records("idem")).hasSize(1);
    }

    @Test
    void badRequestsGet400AndWriteNothing() throws Exception {
        List<String> bad = List.of(
                "{\"writer\":\"bad\",\"seq\":1}",
                "{\"id\":\"bad-1\",\"seq\":1}",
                "{\"id\":\"bad-1\",\"writer\":\"bad\"}",
                "{\"id\":\"bad-1\",\"writer\":\"bad\",\"seq\":\"one\"}",
                "{\"id\":\"bad-1\",\"writer\":\"bad\",\"seq\":-1}",
                "{\"id\":1,\"writer\":\"bad\",\"seq\":1}",
                "[1,2,3]",
                "not json",
                "{\"id\":\"" + "x".repeat(1024 * 1024) + "\",\"writer\":\"bad\",\"seq\":1}");

        for (String body : bad) {
            HttpResponse<String> response = post(body);
            assertThat(response.statusCode())
                    .as(body.length() > 80 ? "1 MB body" : body)
                    .isEqualTo(400);
            assertThat(response.body()).contains("\"message\"").doesNotContain("Exception");
        }

        assertThat(records("bad")).isEmpty();
    }

    @Test
    void rootShowsWhichDatabaseRoleTheAppReaches() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode database = JSON.readTree(get("/").body()).path("database");
            assertThat(database.path("role").asText()).isEqualTo("primary");
            assertThat(database.path("server").asText()).isEqualTo("centralindia");
        });
    }

    @Test
    void plannedFailoverUnderSteadyWritesLosesNoAcknowledgedWrite() throws Exception {
        List<String> acknowledged;
        long failures;
        FailoverResult report;
        try (RecordWriter writer = new RecordWriter(endpoint, "planned", Duration.ofMillis(20))) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> writer.acknowledgedIds().size() >= 20);

            report = environment.failover(FailoverMode.PLANNED);

            int before = writer.acknowledgedIds().size();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> writer.acknowledgedIds().size() >= before + 20);
            writer.close();
            acknowledged = writer.acknowledgedIds();
            failures = writer.failures();
        }

        assertThat(report.newPrimary()).isEqualTo("southindia");
        assertThat(report.dataLossPossible()).isFalse();
        Set<String> stored = ids(records("planned"));
        assertThat(stored).containsAll(acknowledged);
        // The app keeps serving: a failover costs at most a few seconds of 503s, never a hang.
        assertThat(failures).isLessThan(150);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(JSON.readTree(get("/").body())
                                .path("database")
                                .path("server")
                                .asText())
                        .isEqualTo("southindia"));
    }

    @Test
    void forcedFailoverAfterTheRegionGoesDownKeepsWhatTheNewPrimaryAcknowledged() throws Exception {
        RegionActionResult down = environment.region("centralindia", RegionAction.DOWN);
        assertThat(down.database())
                .extracting(
                        RegionActionResult.ServerChange::role,
                        RegionActionResult.ServerChange::before,
                        RegionActionResult.ServerChange::after)
                .containsExactly("primary", "running", "down");
        try {
            FailoverResult report = environment.failover(FailoverMode.FORCED);
            assertThat(report.newPrimary()).isEqualTo("southindia");
            assertThat(report.dataLossPossible()).isTrue();

            List<String> acknowledged;
            try (RecordWriter writer = new RecordWriter(endpoint, "forced", Duration.ofMillis(20))) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> writer.acknowledgedIds().size() >= 30);
                writer.close();
                acknowledged = writer.acknowledgedIds();
            }
            assertThat(ids(records("forced"))).containsAll(acknowledged);

            RegionActionResult up = environment.region("centralindia", RegionAction.UP);

            assertThat(up.database().role()).isEqualTo("secondary");
            assertThat(up.database().after()).isEqualTo("running");
            EnvironmentStatus.DatabaseStatus db = environment.databaseStatus();
            assertThat(db.primary()).isEqualTo("southindia");
            assertThat(db.secondary()).isEqualTo("centralindia");
            assertThat(ids(records("forced"))).containsAll(acknowledged);
        } finally {
            environment.region("centralindia", RegionAction.UP);
        }
    }

    @Test
    void aCrashedPrimaryIsRestartedInPlaceAndWritesCarryOn() throws Exception {
        EnvironmentStatus.ServerStatus before = server("centralindia");
        ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();

        // The read-write listener holds new connections while the primary restarts and the app
        // retries a write cut by the crash for as long as the database is not silent for too
        // long: whether this write is acknowledged depends on how fast crash recovery is, but an
        // answer comes, it is an acknowledgement or a 503, and an acknowledged write stays.
        HttpResponse<String> during = post("{\"id\":\"crash-1\",\"writer\":\"crash\",\"seq\":1}");
        assertThat(during.statusCode()).as(during.body()).isIn(201, 503);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            EnvironmentStatus.ServerStatus after = server("centralindia");
            assertThat(after.state()).isEqualTo("running");
            assertThat(after.pid()).isNotEqualTo(before.pid());
            assertThat(after.restarts()).isEqualTo(before.restarts() + 1);
        });
        HttpResponse<String> afterwards = post("{\"id\":\"crash-2\",\"writer\":\"crash\",\"seq\":2}");
        assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(201);
        // Healed in place: no failover, nothing acknowledged lost.
        assertThat(environment.databaseStatus().primary()).isEqualTo("centralindia");
        Set<String> stored = ids(records("crash"));
        assertThat(stored).contains("crash-2").isSubsetOf("crash-1", "crash-2");
        if (during.statusCode() == 201) {
            assertThat(stored).contains("crash-1");
        }
    }

    @Test
    void readinessFailsWhileTheDatabaseHangsAndLivenessStaysUp() throws Exception {
        // A hung server (every PostgreSQL process of the primary stopped) is unreachable for as long
        // as it hangs; a crashed one would be restarted by self-healing within seconds. The
        // postmaster first, so that it forks no child the signal would miss.
        long postmaster = server("centralindia").pid();
        signalServer("STOP", postmaster);
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
            });
            assertThat(get("/health").statusCode()).isEqualTo(200);
            long started = System.nanoTime();
            HttpResponse<String> write = post("{\"id\":\"down-1\",\"writer\":\"down\",\"seq\":1}");
            assertThat(write.statusCode()).as(write.body()).isEqualTo(503);
            // The app gives up once the database has been silent for a few seconds (its socket timeout
            // and retry window): bounded, well inside the front door's 30 s origin timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
        } finally {
            signalServer("CONT", postmaster);
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(get("/health/ready").statusCode()).isEqualTo(200));
        assertThat(post("{\"id\":\"down-2\",\"writer\":\"down\",\"seq\":2}").statusCode())
                .isEqualTo(201);
        assertThat(ids(records("down"))).containsExactly("down-2");
    }

    /**
     * Sends a signal to a postmaster and every process it forked (its backends, WAL writer,
     * checkpointer). They are not one process group: PostgreSQL puts each child in its own.
     */
    private static void signalServer(String signal, long postmaster) throws Exception {
        assertThat(kill(signal, List.of(postmaster)))
                .as("kill -%s %d", signal, postmaster)
                .isZero();
        // Listed after the postmaster got the signal: a stopped postmaster forks nothing new. A
        // child that exited in between needs no signal, so kill's complaint about it is no failure.
        kill(
                signal,
                ProcessHandle.of(postmaster)
                        .orElseThrow()
                        .children()
                        .map(ProcessHandle::pid)
                        .toList());
    }

    private static int kill(String signal, List<Long> pids) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        kill.getInputStream().transferTo(OutputStream.nullOutputStream());
        return kill.waitFor();
    }

    @Test
    void aHundredThousandRecordsStreamBack() throws Exception {
        String url = "jdbc:postgresql://" + environment.databaseStatus().readWriteListener() + "/hadr";
        try (Connection connection =
                DriverManager.getConnection(url, Databases.APP_USER, Databases.appPassword(environment.stateDir()))) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO records (id, writer, seq, region) VALUES (?, 'bulk', ?, 'Central India')")) {
                for (int i = 1; i <= 100_000; i++) {
                    insert.setString(1, "bulk-" + i);
                    insert.setLong(2, i);
                    insert.addBatch();
                    if (i % 5000 == 0) {
                        insert.executeBatch();
                    }
                }
            }
            connection.commit();
        }

        HttpResponse<java.io.InputStream> response = HTTP.send(
                HttpRequest.newBuilder(endpoint.resolve("/api/records?writer=bulk"))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        try (java.io.InputStream body = response.body()) {
            JsonNode document = JSON.readTree(body);
            JsonNode rows = document.path("records");
            assertThat(document.path("count").asLong()).isEqualTo(100_000);
            assertThat(rows).hasSize(100_000);
            assertThat(rows.get(99_999).path("seq").asLong()).isEqualTo(100_000);
        }
    }

    private static EnvironmentStatus.ServerStatus server(String region) {
        return environment.databaseStatus().servers().stream()
                .filter(s -> s.name().equals(region))
                .findFirst()
                .orElseThrow();
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(endpoint.resolve("/api/records"))
                        .timeout(Duration.ofSeconds(45))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(endpoint.resolve(path))
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode records(String writer) throws Exception {
        HttpResponse<String> response = get("/api/records?writer=" + writer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // {"writer":W,"records":[...],"count":N}: the count, written last, proves the list is whole.
        JsonNode document = JSON.readTree(response.body());
        assertThat(document.path("records")).hasSize(document.path("count").asInt());
        return document.path("records");
    }

    private static Set<String> ids(JsonNode records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }
}
