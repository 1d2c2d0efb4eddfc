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
import io.hadr.core.platform.NotSupportedException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
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
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
        List<Long> pids = platform.status().regions().stream().flatMap(r -> r.apps().stream())
                .map(EnvironmentStatus.AppStatus::pid).filter(p -> p != null).toList();
        List<Long> servers = platform.status().database().servers().stream().map(EnvironmentStatus.ServerStatus::pid)
                .filter(p -> p != null).toList();

        platform.close();

        assertThat(pids).isNotEmpty().allSatisfy(pid -> assertThat(alive(pid)).as("app pid " + pid).isFalse());
        assertThat(servers).isNotEmpty().allSatisfy(pid -> assertThat(alive(pid)).as("postgres pid " + pid).isFalse());
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
        assertThat(platform.capabilities()).containsExactlyInAnyOrder(Capability.APP_LIFECYCLE, Capability.APP_KILL,
                Capability.REGION_OUTAGE, Capability.DB_FAILOVER, Capability.ORIGIN_UPDATE, Capability.RESTORE,
                Capability.RESTORE_EXACT, Capability.GEO_RESTORE, Capability.ADOPT, Capability.SQL);
        assertThat(get(platform.endpoint().resolve("/")).body()).contains("Central India");
    }

    @Test
    void connectingToTheRunningEnvironmentSeesTheSameOneAndLeavesItRunning() {
        LocalPlatform attached = LocalPlatform.connect(stateDir);

        assertThat(attached.topology()).isEqualTo(platform.topology());
        assertThat(attached.endpoint()).isEqualTo(platform.endpoint());
        assertThat(attached.status().frontDoorId()).isEqualTo(platform.status().frontDoorId());

        attached.close();

        assertThat(platform.status().region("centralindia").apps().get(0).state()).isEqualTo("running");
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
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> platform.status().region("southindia").apps().get(0).state().equals("crashed"));
        } finally {
            platform.region("southindia", RegionAction.UP);
        }

        EnvironmentStatus up = platform.status();
        assertThat(up.region("southindia").apps().get(0).state()).isEqualTo("running");
        assertThat(server(up, "southindia").state()).isEqualTo("running");
        assertThat(server(up, "southindia").role()).isEqualTo("secondary");
    }

    @Test
    void operationsNotBuiltYetSaySoAndAreLeftOutOfTheCapabilities() {
        List<ThrowingCallable> notBuilt = List.of(
                () -> platform.scale("southindia", 2),
                () -> platform.link(new LinkFault.Partition()));

        for (ThrowingCallable operation : notBuilt) {
            assertThatThrownBy(operation).isInstanceOfSatisfying(NotSupportedException.class, e -> {
                assertThat(e.getMessage()).startsWith("the local platform cannot ").endsWith(": not built yet in the local environment");
                assertThat(platform.capabilities()).doesNotContain(e.capability());
            });
        }
    }

    @Test
    void restoresToAMarkAsANewServerAndRunsSqlOnItWithoutTouchingTheLiveDatabase() throws Exception {
        platform.sql(SqlTarget.readWriteListener(), "CREATE TABLE probe (id int PRIMARY KEY)");
        platform.sql(SqlTarget.readWriteListener(), "INSERT INTO probe SELECT generate_series(1, 10)");
        platform.mark("after-ten");
        SqlResult more = platform.sql(SqlTarget.readWriteListener(), "INSERT INTO probe SELECT generate_series(11, 25)");
        List<String> steps = new java.util.ArrayList<>();
        ControlClient client = ControlClient.connect(stateDir);
        String primary = platform.status().database().primary();

        RestoreResult restored = client.restore(new RestoreRequest(new RestoreTarget.AtMark("after-ten"), "ten", null),
                steps::add);
        SqlResult inRestore = platform.sql(SqlTarget.restore("ten"), "SELECT count(*), max(id) FROM probe");
        SqlResult live = platform.sql(SqlTarget.readWriteListener(), "SELECT count(*) FROM probe");
        List<String> restores = client.restores().stream().map(r -> r.name()).toList();
        client.dropRestore("ten");

        assertThat(more.updateCount()).isEqualTo(15L);
        assertThat(restored.name()).isEqualTo("ten");
        assertThat(restored.fromRegion()).isEqualTo(primary);
        assertThat(restored.address()).startsWith("127.0.0.1:");
        assertThat(restored.reachedLsn()).isNotBlank();
        assertThat(steps).anySatisfy(step -> assertThat(step).contains("replaying"))
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
        Instant future = Instant.now().plus(Duration.ofHours(1));

        ControlError error = assertError(send(URI.create(control.url()), "POST", "/v1/db/restores", control.token(),
                "{\"target\":{\"kind\":\"time\",\"time\":\"" + future + "\"}}"), 400, ControlError.Code.BAD_REQUEST);

        assertThat(error.message()).contains("in the future").contains("the valid range is from");
        assertThatThrownBy(() -> platform.restore(new RestoreRequest(new RestoreTarget.AtMark("no-such-mark"), null, null)))
                .isInstanceOf(BadControlRequestException.class).hasMessageContaining("no restore point of that name");
    }

    @Test
    void anUnknownRegionComesBackAsItsOwnError() {
        assertThatThrownBy(() -> platform.app("mars", AppAction.KILL)).isInstanceOfSatisfying(UnknownRegionException.class,
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
        assertError(send(api, "POST", "/v1/apps/centralindia/pause", control.token(), null), 400, ControlError.Code.BAD_REQUEST);
        assertError(send(api, "POST", "/v1/db/failover", control.token(), "{\"mode\":\"SIDEWAYS\"}"), 400, ControlError.Code.BAD_REQUEST);
        assertError(send(api, "POST", "/v1/db/failover", control.token(), "not json"), 400, ControlError.Code.BAD_REQUEST);
        assertError(send(api, "POST", "/v1/db/failover", control.token(), "{\"mode\":\"PLANNED\",\"mdoe\":\"FORCED\"}"), 400,
                ControlError.Code.BAD_REQUEST);
        assertError(send(api, "POST", "/v1/frontdoor/origins/southindia", control.token(), "{\"weight\":5,\"weight\":6}"), 400,
                ControlError.Code.BAD_REQUEST);
        assertError(send(api, "POST", "/v1/frontdoor/origins/southindia", control.token(), "{}"), 400, ControlError.Code.BAD_REQUEST);
        ControlError weight = assertError(send(api, "POST", "/v1/frontdoor/origins/southindia", control.token(), "{\"weight\":2000}"),
                400, ControlError.Code.BAD_REQUEST);
        assertThat(weight.message()).contains("weight must be between 1 and 1000 (Azure Front Door's range), but was 2000");
        ControlError region = assertError(send(api, "POST", "/v1/regions/mars/down", control.token(), null), 404,
                ControlError.Code.UNKNOWN_REGION);
        assertThat(region.region()).isEqualTo("mars");
        assertError(send(api, "POST", "/v1/shutdown", control.token(), null), 409, ControlError.Code.REFUSED);
        HttpResponse<String> metrics = send(api, "GET", "/metrics", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    }

    private static ControlError assertError(HttpResponse<String> response, int status, ControlError.Code code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        ControlError error = JSON.readValue(response.body(), ControlError.class);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).isNotBlank().doesNotContain("Exception");
        return error;
    }

    private static HttpResponse<String> send(URI api, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static EnvironmentStatus.ServerStatus server(EnvironmentStatus status, String name) {
        return status.database().servers().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
