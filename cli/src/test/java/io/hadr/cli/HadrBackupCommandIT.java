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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups and point-in-time restore end to end, as a user repairs the classic mistake: writes
 * through the front door, a DELETE without WHERE, a restore to just before it, every row back,
 * adopted so the front door serves it again. And targets that cannot be restored are refused
 * with the valid range.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HadrBackupCommandIT {

    private static final String TOPOLOGY = """
            name: backupclitest
            backups:
              retention: 30m
              archiveTimeout: 5s
            local:
              endpointPort: 0
              appBasePort: 0
              databaseBasePort: 0
              controlPort: 0
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Path workDir;
    private Cli cli;

    @BeforeAll
    void up(@TempDir Path dir) throws Exception {
        workDir = dir;
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(workDir.resolve("hadr.yaml"), TOPOLOGY);
        cli = new Cli(workDir);
        Cli.Result up = cli.run("up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
    }

    @AfterAll
    void down() throws Exception {
        if (cli != null) {
            cli.run("down");
        }
    }

    @Test
    void shouldBringBackEveryRowDeletedByMistakeAndServeItAgainAfterAdopt() throws Exception {
        URI endpoint = URI.create(status().path("endpoint").asText());
        write(endpoint, "mistake", 150);
        Map<String, Instant> committed = commitTimes();
        Instant target = between(committed, 0.6);
        Set<String> expected = new TreeSet<>();
        committed.forEach((id, at) -> {
            if (!at.isAfter(target)) {
                expected.add(id);
            }
        });

        Cli.Result delete = run("db", "sql", "DELETE FROM records");
        Cli.Result restore = run("db", "restore", "--to", target.toString(), "--as", "before");
        Cli.Result inside = run("db", "sql", "--restore", "before", "--json", "SELECT id FROM records");
        Cli.Result restores = run("db", "restores", "--json");
        Cli.Result adopt = run("db", "adopt", "before", "--yes");

        assertThat(delete.out()).contains("DELETE " + committed.size());
        assertThat(restore.out())
                .contains("restoring to " + target)
                .contains("replaying WAL")
                .contains("restored 'before' from the backups in centralindia")
                .contains("address:       127.0.0.1:")
                .contains("reached:");
        assertThat(ids(JSON.readTree(inside.out()))).containsExactlyElementsOf(expected);
        assertThat(JSON.readTree(restores.out()).findValuesAsText("name")).contains("before");
        assertThat(adopt.out())
                .contains("adopted 'before'")
                .contains("primary centralindia")
                .contains("the former primary's data is kept in")
                .contains(" until ");
        JsonNode leftovers = JSON.readTree(run("db", "backups", "--json").out()).path("leftovers");
        assertThat(leftovers.findValuesAsText("kind")).containsExactly("FORMER_PRIMARY_DATA");
        String leftoverPath = leftovers.get(0).path("path").asText();
        assertThat(leftoverPath).as("a plain path, as a shell takes it").startsWith("/");
        assertThat(run("db", "backups").out())
                .contains("LEFTOVER")
                .contains("former primary data")
                .contains(leftoverPath);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(servedIds(endpoint, "mistake")).containsExactlyElementsOf(expected));
        assertThat(run("db", "restores").out()).contains("no restored servers");
    }

    @Test
    void shouldRefuseTargetsItCannotRestoreNamingTheValidRange() throws Exception {
        write(URI.create(status().path("endpoint").asText()), "range", 1);
        run("db", "mark", "range-exists");
        Cli.Result notATime = cli.run("db", "restore", "--to", "yesterday");
        Cli.Result future = cli.run(
                "db", "restore", "--to", Instant.now().plus(Duration.ofHours(1)).toString());
        Cli.Result tooEarly = cli.run(
                "db", "restore", "--to", Instant.now().minus(Duration.ofDays(2)).toString());
        Cli.Result noMark = cli.run("db", "restore", "--to-mark", "no-such-mark");
        Cli.Result badLsn = cli.run("db", "restore", "--to-lsn", "12345");

        assertThat(notATime.exitCode()).isEqualTo(2);
        assertThat(notATime.err()).contains("--to 'yesterday' is not a time").contains("2026-11-27T19:10:59Z");
        assertThat(future.exitCode()).as(future.toString()).isEqualTo(2);
        assertThat(future.err()).startsWith("hadr: ").contains("in the future").contains("the valid range is from");
        assertThat(tooEarly.exitCode()).as(tooEarly.toString()).isEqualTo(2);
        assertThat(tooEarly.err()).contains("before the earliest restore point").contains("the valid range is from");
        assertThat(noMark.exitCode()).as(noMark.toString()).isEqualTo(2);
        assertThat(noMark.err()).contains("no restore point of that name");
        assertThat(badLsn.exitCode()).isEqualTo(2);
        assertThat(badLsn.err()).contains("is not an LSN");
    }

    @Test
    void shouldRestoreToTheLatestPointWithoutATime() throws Exception {
        URI endpoint = URI.create(status().path("endpoint").asText());
        write(endpoint, "newest", 20);

        Cli.Result restore = run("db", "restore", "--latest", "--as", "newest");
        JsonNode inRestore = JSON.readTree(run(
                        "db",
                        "sql",
                        "--json",
                        "--restore",
                        "newest",
                        "SELECT count(*) FROM records WHERE writer = 'newest'")
                .out());
        run("db", "drop-restore", "newest");

        assertThat(restore.out())
                .contains("restoring to the latest archived point as 'newest'")
                .contains("restored 'newest'");
        assertThat(inRestore.path("rows").get(0).get(0).asText())
                .as("every acknowledged write, none archived by luck")
                .isEqualTo("20");
    }

    @Test
    void shouldListBackupsTakeOneOnDemandAndMarkARestorePoint() throws Exception {
        Cli.Result backup = run("db", "backup");
        Cli.Result mark = run("db", "mark", "before-migration");
        Cli.Result table = run("db", "backups");
        JsonNode catalog = JSON.readTree(run("db", "backups", "--json").out());
        Cli.Result status = run("status");

        assertThat(backup.out()).contains("base backup of the primary...").contains("base backup base-");
        assertThat(mark.out()).contains("mark 'before-migration' at ");
        assertThat(table.out())
                .contains("restorable: from ")
                .contains("BASE BACKUP")
                .contains("STORE")
                .contains("before-migration");
        assertThat(catalog.path("baseBackups").size()).isGreaterThanOrEqualTo(2);
        assertThat(catalog.path("marks").findValuesAsText("name")).contains("before-migration");
        assertThat(catalog.path("stores").findValuesAsText("region")).contains("centralindia", "southindia");
        assertThat(status.out()).contains("backups: RPO now").contains("retention 30m");
    }

    private Cli.Result run(String... args) throws Exception {
        Cli.Result result = cli.run(Duration.ofMinutes(5), args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(run("status", "--json").out());
    }

    /** Writes {@code count} records through the front door, each acknowledged (201) before the next. */
    private static void write(URI endpoint, String writer, int count) throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        for (int seq = 1; acknowledged.get() < count && !failed.get(); seq++) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(endpoint.resolve("/api/records"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + writer + "-" + seq
                                    + "\",\"writer\":\"" + writer + "\",\"seq\":" + seq + "}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            acknowledged.incrementAndGet();
        }
    }

    /** Each record's id and the time its transaction committed, read through 'hadr db sql'. */
    private Map<String, Instant> commitTimes() throws Exception {
        JsonNode result =
                JSON.readTree(run("db", "sql", "--json", "SELECT id, pg_xact_commit_timestamp(xmin) FROM records")
                        .out());
        Map<String, Instant> times = new TreeMap<>();
        for (JsonNode row : result.path("rows")) {
            times.put(
                    row.get(0).asText(),
                    OffsetDateTime.parse(row.get(1).asText().replace(' ', 'T').replaceAll("([+-]\\d\\d)$", "$1:00"))
                            .toInstant());
        }
        assertThat(times).hasSizeGreaterThan(10);
        return times;
    }

    /** A time strictly between two consecutive distinct commit times near the given fraction. */
    private static Instant between(Map<String, Instant> committed, double fraction) {
        List<Instant> times = new ArrayList<>(new TreeSet<>(committed.values()));
        int i = (int) (times.size() * fraction);
        Instant a = times.get(i);
        Instant b = times.get(i + 1);
        Instant t = a.plus(Duration.between(a, b).dividedBy(2)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        assertThat(t).isAfterOrEqualTo(a).isBefore(b);
        return t;
    }

    private static Set<String> ids(JsonNode sqlResult) {
        Set<String> ids = new TreeSet<>();
        sqlResult.path("rows").forEach(row -> ids.add(row.get(0).asText()));
        return ids;
    }

    private static Set<String> servedIds(URI endpoint, String writer) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(endpoint.resolve("/api/records?writer=" + writer))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Set<String> ids = new TreeSet<>();
        JSON.readTree(response.body())
                .path("records")
                .forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }
}
