package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.Capability;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalPlatform} against a real environment it started itself, and the control API it goes
 * through. Tests run in random order; each leaves the environment as it found it.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class LocalPlatformIT {

    private static final ObjectMapper JSON = Json.mapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path stateRoot;

    private static StateDir stateDir;
    private static LocalPlatform platform;

    @BeforeAll
    static void start() {
        // The ports of the built-in topology: startOwn's caller picks free ones instead.
        Topology topology = LocalPlatform.onFreePorts(TopologyLoader.parse("platform.yaml", "name: platformtest\n"));
        stateDir = new StateDir(TestDirs.reachable(stateRoot));
        platform = LocalPlatform.startOwn(topology, stateDir, AppJar.locate(stateDir), line -> {});
    }

    @AfterAll
    static void stop() {
        if (platform == null) {
            return;
        }
        List<Long> pids = platform.status().regions().stream()
                .flatMap(r -> r.apps().stream())
                .map(EnvironmentStatus.AppStatus::pid)
                .filter(p -> p != null)
                .toList();
        List<Long> servers = platform.status().database().servers().stream()
                .map(EnvironmentStatus.ServerStatus::pid)
                .filter(p -> p != null)
                .toList();

        platform.close();

        assertThat(pids)
                .isNotEmpty()
                .allSatisfy(pid -> assertThat(alive(pid)).as("app pid " + pid).isFalse());
        assertThat(servers)
                .isNotEmpty()
                .allSatisfy(
                        pid -> assertThat(alive(pid)).as("postgres pid " + pid).isFalse());
        assertThat(Files.exists(stateDir.controlFile())).isFalse();
        assertThat(stateDir.isLocked()).isFalse();
    }

    @Test
    void describesItselfAndTheEnvironmentItDrives() throws Exception {
        EnvironmentStatus status = platform.status();

        assertThat(platform.kind()).isEqualTo("local");
        assertThat(status.platform()).isEqualTo("local");
        assertThat(status.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(platform.endpoint().toString()).isEqualTo(status.endpoint());
        assertThat(platform.topology().name()).isEqualTo("platformtest");
        assertThat(platform.capabilities())
                .containsExactlyInAnyOrder(
                        Capability.APP_LIFECYCLE,
                        Capability.APP_KILL,
                        Capability.APP_SCALE,
                        Capability.REGION_OUTAGE,
                        Capability.DB_FAILOVER,
                        Capability.ORIGIN_UPDATE,
                        Capability.LINK_FAULTS,
                        Capability.RESTORE,
                        Capability.RESTORE_EXACT,
                        Capability.GEO_RESTORE,
                        Capability.ADOPT,
                        Capability.SQL);
        assertThat(get(platform.endpoint().resolve("/")).body()).contains("Central India");
    }

    @Test
    void connectingToTheRunningEnvironmentSeesTheSameOneAndLeavesItRunning() {
        LocalPlatform attached = LocalPlatform.connect(stateDir);

        assertThat(attached.topology()).isEqualTo(platform.topology());
        assertThat(attached.endpoint()).isEqualTo(platform.endpoint());
        assertThat(attached.status().frontDoorId()).isEqualTo(platform.status().frontDoorId());

        attached.close();

        assertThat(platform.status().region("centralindia").apps().get(0).state())
                .isEqualTo("running");
        assertThat(stateDir.isLocked()).isTrue();
    }

    @Test
    void stopsAndStartsARegionsApp() {
        platform.app("southindia", AppAction.STOP);

        assertThat(platform.status().region("southindia").apps().get(0).state()).isEqualTo("stopped");

        platform.app("southindia", AppAction.START);

        assertThat(platform.status().region("southindia").apps().get(0).state()).isEqualTo("running");
    }

    @Test
    void changesAnOrigin() {
        platform.origin("southindia", OriginChange.weight(500));
        try {
            assertThat(platform.status().region("southindia").origin().weight()).isEqualTo(500);
        } finally {
            platform.origin("southindia", OriginChange.weight(1000));
        }
    }

    @Test
    void failsTheDatabaseOverAndBack() {
        FailoverResult there = platform.failover(FailoverMode.PLANNED);

        assertThat(there.requested()).isEqualTo(FailoverMode.PLANNED);
        assertThat(there.performed()).isEqualTo(FailoverMode.PLANNED);
        assertThat(there.oldPrimary()).isEqualTo("centralindia");
        assertThat(there.newPrimary()).isEqualTo("southindia");
        assertThat(there.dataLossPossible()).isFalse();
        assertThat(there.phases()).isNotEmpty();
        assertThat(platform.status().database().primary()).isEqualTo("southindia");
        assertThat(platform.status().database().lastFailover()).isEqualTo(there);

        FailoverResult back = platform.failover(FailoverMode.TRY_PLANNED);

        assertThat(back.performed()).isEqualTo(FailoverMode.PLANNED);
        assertThat(back.newPrimary()).isEqualTo("centralindia");
    }

    @Test
    void takesARegionDownAndBringsItBack() {
        platform.region("southindia", RegionAction.DOWN);
        try {
            EnvironmentStatus down = platform.status();
            assertThat(down.region("southindia").apps().get(0).state()).isEqualTo("crashed");
            assertThat(server(down, "southindia").state()).isEqualTo("down");
            // A region that is down stays down: nothing heals it.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> platform.status()
                            .region("southindia")
                            .apps()
                            .get(0)
                            .state()
                            .equals("crashed"));
        } finally {
            platform.region("southindia", RegionAction.UP);
        }

        EnvironmentStatus up = platform.status();
        assertThat(up.region("southindia").apps().get(0).state()).isEqualTo("running");
        assertThat(server(up, "southindia").state()).isEqualTo("running");
        assertThat(server(up, "southindia").role()).isEqualTo("secondary");
    }

    @Test
    void aPartitionLetsTheSecondaryFallBehindWhileWritesAreAcknowledgedAndHealCatchesItUp() throws Exception {
        String secondary = platform.status().database().secondary();
        String writer = "partition-" + System.nanoTime();
        List<String> acknowledged;

        platform.link(new LinkFault.Partition());
        try {
            try (RecordWriter writes = new RecordWriter(platform.endpoint(), writer, Duration.ofMillis(10))) {
                await("writes acknowledged by the primary during the partition")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> writes.acknowledgedIds().size() >= 50);
                writes.close();
                acknowledged = writes.acknowledgedIds();
            }
            EnvironmentStatus cut = platform.status();

            assertThat(cut.link().partitioned()).isTrue();
            assertThat(cut.link().partitionedSince()).isNotNull();
            assertThat(cut.database().replicationFromPrimary().lagBytes())
                    .as("measured on the primary's side")
                    .isPositive();
            assertThat(idsOn(cut, secondary, writer))
                    .as("nothing written during the partition reached the secondary")
                    .doesNotContainAnyElementsOf(acknowledged);
        } finally {
            platform.link(new LinkFault.Heal());
        }

        await("the secondary to catch up after the heal")
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        assertThat(idsOn(platform.status(), secondary, writer)).containsAll(acknowledged));
        EnvironmentStatus healed = platform.status();
        assertThat(healed.link().partitioned()).isFalse();
        assertThat(healed.link().latencyMs())
                .isEqualTo(platform.topology().local().interRegionLatency().toNanos() / 1e6);
    }

    @Test
    void crossRegionConnectionsTakeTheLinksLatencyEachWay() throws Exception {
        Duration latency = Duration.ofMillis(100);
        EnvironmentStatus before = platform.status();
        String primary = before.database().primary();
        String secondary = before.database().secondary();

        platform.link(new LinkFault.Latency(latency));
        try {
            EnvironmentStatus status = platform.status();
            long[] sameRegion = selectTimes(listener(status, "read-write", primary), 10);
            long[] otherRegion = selectTimes(listener(status, "read-write", secondary), 10);
            long appWrite = appWriteTime(status, secondary);

            System.out.printf(
                    "SELECT 1 with %d ms one way: same region median %.2f ms, other region min %.1f median %.1f ms;"
                            + " a write through the %s app %.1f ms%n",
                    latency.toMillis(),
                    sameRegion[5] / 1e6,
                    otherRegion[0] / 1e6,
                    otherRegion[5] / 1e6,
                    secondary,
                    appWrite / 1e6);
            assertThat(status.link().latencyMs()).isEqualTo(100.0);
            assertThat(otherRegion[0])
                    .as("a query and its answer cross the link")
                    .isGreaterThanOrEqualTo(2 * latency.toNanos());
            assertThat(sameRegion[5]).as("no link within a region").isLessThan(otherRegion[0]);
            assertThat(appWrite)
                    .as("the %s app reaches the primary over the link", secondary)
                    .isGreaterThanOrEqualTo(2 * latency.toNanos());
        } finally {
            platform.link(new LinkFault.Latency(platform.topology().local().interRegionLatency()));
        }
    }

    @Test
    void scalesARegionsAppOutToZeroAndBack() throws Exception {
        String region = "southindia";
        platform.origin(region, OriginChange.weight(700));

        platform.scale(region, 2);
        List<EnvironmentStatus.AppStatus> two;
        try {
            EnvironmentStatus scaledOut = platform.status();
            two = scaledOut.region(region).apps();

            assertThat(two).hasSize(2).allSatisfy(app -> {
                assertThat(app.state()).isEqualTo("running");
                assertThat(alive(app.pid())).isTrue();
            });
            assertThat(two).extracting(EnvironmentStatus.AppStatus::url).doesNotHaveDuplicates();
            for (EnvironmentStatus.AppStatus app : two) {
                HttpResponse<String> served = getApp(scaledOut, URI.create(app.url() + "/"));
                assertThat(served.statusCode()).isEqualTo(200);
                assertThat(served.body()).contains("South India");
                assertThat(served.headers().firstValue("X-Hadr-Instance")).isPresent();
            }
            assertThat(two.stream().map(app -> getInstance(scaledOut, app)).distinct())
                    .hasSize(2);
            assertThat(scaledOut.region(region).origin().probes())
                    .as("both are origins of the front door")
                    .hasSize(2);
            assertThat(scaledOut.region(region).origin().weight())
                    .as("the new one as the operator set the region's")
                    .isEqualTo(700);

            platform.scale(region, 0);

            EnvironmentStatus none = platform.status();
            assertThat(none.region(region).apps()).isEmpty();
            assertThat(two)
                    .allSatisfy(app -> assertThat(alive(app.pid())).as(app.id()).isFalse());
            assertThat(get(platform.endpoint().resolve("/")).body()).contains("Central India");
        } finally {
            platform.scale(region, 1);
        }

        EnvironmentStatus one = platform.status();
        assertThat(one.region(region).apps())
                .singleElement()
                .satisfies(app -> assertThat(app.state()).isEqualTo("running"));
        assertThat(one.region(region).origin().weight())
                .as("kept through zero instances")
                .isEqualTo(700);
        platform.origin(region, OriginChange.weight(1000));
        await("the new instance's probes to pass")
                .atMost(Duration.ofSeconds(60))
                .until(() -> platform.status().region(region).origin().healthy());
    }

    @Test
    void aScaleBeyondTheRangeOrOfAnUnknownRegionIsRefusedWithoutChangingAnything() {
        assertThatThrownBy(() -> platform.scale("southindia", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an app scales to 0 to 10 instances per region, but -1 was asked for");
        assertThatThrownBy(() -> platform.scale("mars", 1)).isInstanceOf(UnknownRegionException.class);

        assertThat(platform.status().region("southindia").apps()).hasSize(1);
    }

    @Test
    void restoresToAMarkAsANewServerAndRunsSqlOnItWithoutTouchingTheLiveDatabase() throws Exception {
        platform.sql(SqlTarget.readWriteListener(), "CREATE TABLE probe (id int PRIMARY KEY)");
        platform.sql(SqlTarget.readWriteListener(), "INSERT INTO probe SELECT generate_series(1, 10)");
        platform.mark("after-ten");
        SqlResult more =
                platform.sql(SqlTarget.readWriteListener(), "INSERT INTO probe SELECT generate_series(11, 25)");
        List<String> steps = new java.util.ArrayList<>();
        ControlClient client = ControlClient.connect(stateDir);
        String primary = platform.status().database().primary();

        RestoreResult restored =
                client.restore(new RestoreRequest(new RestoreTarget.AtMark("after-ten"), "ten", null), steps::add);
        SqlResult inRestore = platform.sql(SqlTarget.restore("ten"), "SELECT count(*), max(id) FROM probe");
        SqlResult live = platform.sql(SqlTarget.readWriteListener(), "SELECT count(*) FROM probe");
        List<String> restores = client.restores().stream().map(r -> r.name()).toList();
        client.dropRestore("ten");

        assertThat(more.updateCount()).isEqualTo(15L);
        assertThat(restored.name()).isEqualTo("ten");
        assertThat(restored.fromRegion()).isEqualTo(primary);
        assertThat(restored.address()).startsWith("127.0.0.1:");
        assertThat(restored.reachedLsn()).isNotBlank();
        assertThat(steps)
                .anySatisfy(step -> assertThat(step).contains("replaying"))
                .anySatisfy(step -> assertThat(step).contains("promoted"));
        assertThat(inRestore.rows()).containsExactly(List.of("10", "10"));
        assertThat(live.rows()).containsExactly(List.of("25"));
        assertThat(restores).contains("ten");
        assertThat(client.restores()).isEmpty();
        assertThat(platform.status().database().backups().enabled()).isTrue();
    }

    @Test
    void refusesARestoreTargetOutsideTheRestorableRangeNamingTheRange() throws Exception {
        StateDir.ControlFile control = stateDir.readControl().orElseThrow();
        platform.sql(SqlTarget.readWriteListener(), "CREATE TABLE range_probe (id int PRIMARY KEY)");
        platform.sql(SqlTarget.readWriteListener(), "INSERT INTO range_probe VALUES (1)");
        platform.mark("range-exists");
        await("a committed transaction to be archived, so that a restorable range exists")
                .atMost(Duration.ofSeconds(60))
                .until(() -> platform.status().database().backups().latestRestorePoint() != null);
        Instant future = Instant.now().plus(Duration.ofHours(1));

        ControlError error = assertError(
                send(
                        URI.create(control.url()),
                        "POST",
                        "/v1/db/restores",
                        control.token(),
                        "{\"target\":{\"kind\":\"time\",\"time\":\"" + future + "\"}}"),
                400,
                ControlError.Code.BAD_REQUEST);

        assertThat(error.message()).contains("in the future").contains("the valid range is from");
        assertThatThrownBy(() ->
                        platform.restore(new RestoreRequest(new RestoreTarget.AtMark("no-such-mark"), null, null)))
                .isInstanceOf(BadControlRequestException.class)
                .hasMessageContaining("no restore point of that name");
    }

    @Test
    void anUnknownRegionComesBackAsItsOwnError() {
        assertThatThrownBy(() -> platform.app("mars", AppAction.KILL))
                .isInstanceOfSatisfying(
                        UnknownRegionException.class,
                        e -> assertThat(e.regions()).containsExactly("centralindia", "southindia"));
    }

    @Test
    void controlApiAnswersEveryMistakeWithATypedJsonError() throws Exception {
        StateDir.ControlFile control = stateDir.readControl().orElseThrow();
        URI api = URI.create(control.url());

        assertError(send(api, "GET", "/v1/status", null, null), 401, ControlError.Code.UNAUTHORIZED);
        assertError(send(api, "GET", "/v1/nothing", control.token(), null), 404, ControlError.Code.NOT_FOUND);
        HttpResponse<String> wrongMethod = send(api, "GET", "/v1/db/failover", control.token(), null);
        assertError(wrongMethod, 405, ControlError.Code.METHOD_NOT_ALLOWED);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
        assertError(
                send(api, "POST", "/v1/apps/centralindia/pause", control.token(), null),
                400,
                ControlError.Code.BAD_REQUEST);
        assertError(
                send(api, "POST", "/v1/db/failover", control.token(), "{\"mode\":\"SIDEWAYS\"}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertError(
                send(api, "POST", "/v1/db/failover", control.token(), "not json"), 400, ControlError.Code.BAD_REQUEST);
        assertError(
                send(api, "POST", "/v1/db/failover", control.token(), "{\"mode\":\"PLANNED\",\"mdoe\":\"FORCED\"}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertError(
                send(api, "POST", "/v1/frontdoor/origins/southindia", control.token(), "{\"weight\":5,\"weight\":6}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertError(
                send(api, "POST", "/v1/frontdoor/origins/southindia", control.token(), "{}"),
                400,
                ControlError.Code.BAD_REQUEST);
        ControlError weight = assertError(
                send(api, "POST", "/v1/frontdoor/origins/southindia", control.token(), "{\"weight\":2000}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertThat(weight.message())
                .contains("weight must be between 1 and 1000 (Azure Front Door's range), but was 2000");
        ControlError region = assertError(
                send(api, "POST", "/v1/regions/mars/down", control.token(), null),
                404,
                ControlError.Code.UNKNOWN_REGION);
        assertThat(region.region()).isEqualTo("mars");
        ControlError scale = assertError(
                send(api, "POST", "/v1/scale/southindia", control.token(), "{\"instances\":11}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertThat(scale.message()).contains("an app scales to 0 to 10 instances per region, but 11 was asked for");
        assertThat(assertError(
                                send(api, "POST", "/v1/scale/mars", control.token(), "{\"instances\":1}"),
                                404,
                                ControlError.Code.UNKNOWN_REGION)
                        .regions())
                .containsExactly("centralindia", "southindia");
        ControlError latency = assertError(
                send(api, "POST", "/v1/link", control.token(), "{\"kind\":\"latency\",\"oneWay\":\"PT11S\"}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertThat(latency.message()).contains("PT11S");
        assertError(
                send(api, "POST", "/v1/link", control.token(), "{\"kind\":\"latency\",\"oneWay\":\"-PT1S\"}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertError(
                send(api, "POST", "/v1/link", control.token(), "{\"kind\":\"sever\"}"),
                400,
                ControlError.Code.BAD_REQUEST);
        assertThat(platform.status().link().latencyMs()).isEqualTo(10.0);
        assertError(send(api, "POST", "/v1/shutdown", control.token(), null), 409, ControlError.Code.REFUSED);
        HttpResponse<String> metrics = send(api, "GET", "/metrics", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    }

    private static ControlError assertError(HttpResponse<String> response, int status, ControlError.Code code)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        ControlError error = JSON.readValue(response.body(), ControlError.class);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).isNotBlank().doesNotContain("Exception");
        return error;
    }

    private static HttpResponse<String> send(URI api, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static EnvironmentStatus.ServerStatus server(EnvironmentStatus status, String name) {
        return status.database().servers().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** The writer's ids on a region's server, read through that region's own read-only or read-write entry. */
    private static List<String> idsOn(EnvironmentStatus status, String server, String writer) throws Exception {
        EnvironmentStatus.ListenerStatus entry = status.database().listeners().stream()
                .filter(l -> l.region().equals(server) && server.equals(l.target()))
                .findFirst()
                .orElseThrow();
        List<String> ids = new java.util.ArrayList<>();
        try (Connection c = connect(entry.address());
                PreparedStatement select = c.prepareStatement("SELECT id FROM records WHERE writer = ?")) {
            select.setString(1, writer);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private static String listener(EnvironmentStatus status, String name, String region) {
        return status.database().listeners().stream()
                .filter(l -> l.name().equals(name) && l.region().equals(region))
                .findFirst()
                .orElseThrow()
                .address();
    }

    private static Connection connect(String address) throws Exception {
        // Deadlines, so that a stalled link fails the test instead of hanging it.
        return DriverManager.getConnection(
                "jdbc:postgresql://" + address + "/hadr?connectTimeout=10&socketTimeout=30",
                Databases.APP_USER,
                Databases.appPassword(stateDir));
    }

    /** Nanoseconds of each of {@code n} {@code SELECT 1} on one connection through {@code address}, sorted. */
    private static long[] selectTimes(String address, int n) throws Exception {
        long[] times = new long[n];
        try (Connection c = connect(address);
                Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            for (int i = 0; i < n; i++) {
                long started = System.nanoTime();
                s.execute("SELECT 1");
                times[i] = System.nanoTime() - started;
            }
        }
        Arrays.sort(times);
        return times;
    }

    /** Nanoseconds of one acknowledged write sent straight to a region's app (after one to warm its pool). */
    private static long appWriteTime(EnvironmentStatus status, String region) throws Exception {
        URI records = URI.create(status.region(region).apps().get(0).url() + "/api/records");
        String writer = "latency-" + System.nanoTime();
        long took = 0;
        for (int seq = 1; seq <= 2; seq++) {
            HttpRequest write = HttpRequest.newBuilder(records)
                    .timeout(Duration.ofSeconds(30))
                    .header("X-Azure-FDID", status.frontDoorId())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + writer + "-" + seq + "\",\"writer\":\""
                            + writer + "\",\"seq\":" + seq + "}"))
                    .build();
            long started = System.nanoTime();
            HttpResponse<String> response = HTTP.send(write, HttpResponse.BodyHandlers.ofString());
            took = System.nanoTime() - started;
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
        return took;
    }

    private static HttpResponse<String> getApp(EnvironmentStatus status, URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .header("X-Azure-FDID", status.frontDoorId())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String getInstance(EnvironmentStatus status, EnvironmentStatus.AppStatus app) {
        try {
            return getApp(status, URI.create(app.url() + "/"))
                    .headers()
                    .firstValue("X-Hadr-Instance")
                    .orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(app.id() + " did not answer", e);
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
