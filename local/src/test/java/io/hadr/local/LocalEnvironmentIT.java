package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import io.hadr.geodb.PostgresBinaries;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local environment with real app processes on loopback. The tests share one environment and
 * run in random order: each leaves it as it found it (every app running, every origin enabled and
 * healthy), so none depends on another.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class LocalEnvironmentIT {

    static final String TOPOLOGY = """
            name: envtest
            local:
              endpointPort: 0
              appBasePort: 0
              databaseBasePort: 0
              controlPort: 0
            """;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The default back-off, giving up at the second crash rather than the third: one app start less to wait for. */
    private static final HealingPolicy HEALING = new HealingPolicy(
            HealingPolicy.DEFAULT.firstBackoff(),
            HealingPolicy.DEFAULT.maxBackoff(),
            2,
            HealingPolicy.DEFAULT.window());

    private static final List<String> REGIONS = List.of("centralindia", "southindia");

    @TempDir
    static Path stateRoot;

    private static LocalEnvironment environment;

    @BeforeAll
    static void start() {
        Topology topology = TopologyLoader.parse("test.yaml", TOPOLOGY);
        StateDir stateDir = new StateDir(TestDirs.reachable(stateRoot));
        environment = LocalEnvironment.start(
                topology, stateDir, AppJar.locate(stateDir), PostgresBinaries.bundled(), HEALING, line -> {});
    }

    @AfterAll
    static void stop() {
        if (environment != null) {
            List<Long> pids = appPids();
            environment.close();
            assertThat(pids)
                    .allSatisfy(pid -> assertThat(ProcessHandle.of(pid)
                                    .map(ProcessHandle::isAlive)
                                    .orElse(false))
                            .isFalse());
        }
    }

    /** Every app running, its crash count cleared, every origin enabled and healthy again, and the primary serving. */
    @AfterEach
    void restore() {
        for (String region : REGIONS) {
            environment.app(region, AppAction.START);
            environment.updateOrigin(region, OriginChange.enable());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(environment.status().regions())
                    .allSatisfy(r -> assertThat(r.origin().healthy()).isTrue());
            assertThat(viaFrontDoor().body()).contains("Central India");
        });
    }

    @Test
    void eachRegionAnswersWithItsOwnRegionName() throws Exception {
        assertThat(get(appUrl("centralindia"))).contains("\"region\":\"Central India\"");
        assertThat(get(appUrl("southindia"))).contains("\"region\":\"South India\"");
    }

    @Test
    void appsGetAppServiceEnvironment() throws Exception {
        String body = get(appUrl("southindia"));

        assertThat(body).contains("\"site\":\"envtest-southindia\"");
        assertThat(body).containsPattern("\"instance\":\"[0-9a-f]{64}\"");
    }

    @Test
    void appsListenOnLoopbackOnly() throws Exception {
        for (String region : REGIONS) {
            int port = appUrl(region).getPort();

            assertThat(listeningAddresses(port))
                    .as("listening sockets on port " + port)
                    .isNotEmpty()
                    .allSatisfy(address -> assertThat(address).isIn("0100007F", "0000000000000000FFFF00000100007F"));
        }
    }

    @Test
    void appsRunUnprivilegedWhenHadrRunsAsRoot() {
        String expected = "root".equals(System.getProperty("user.name"))
                ? AppAccount.UNPRIVILEGED_USER
                : System.getProperty("user.name");

        for (Long pid : appPids()) {
            assertThat(ProcessHandle.of(pid).orElseThrow().info().user()).contains(expected);
        }
    }

    @Test
    void theFrontDoorIdIsRandomPerStateDirectoryAndShownInStatus() throws Exception {
        String id = environment.status().frontDoorId();

        assertThat(id)
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .isNotEqualTo(environment.topology().frontDoor().frontDoorId());
        assertThat(Files.readString(environment.stateDir().root().resolve("front-door-id"))
                        .trim())
                .isEqualTo(id);
        assertThat(environment.stateDir().frontDoorId()).isEqualTo(id);
        HttpResponse<String> withId = HTTP.send(
                HttpRequest.newBuilder(appUrl("centralindia"))
                        .header("X-Azure-FDID", id)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withId.statusCode()).isEqualTo(200);
    }

    @Test
    void stoppedAppRefusesConnectionsWhileTheOtherKeepsAnswering() throws Exception {
        URI central = appUrl("centralindia");

        AppActionResult stopped = environment.app("centralindia", AppAction.STOP);

        assertThat(stopped.instances()).singleElement().satisfies(app -> {
            assertThat(app.id()).isEqualTo("centralindia-0");
            assertThat(app.before()).isEqualTo(AppState.RUNNING);
            assertThat(app.after()).isEqualTo(AppState.STOPPED);
            assertThat(app.stopTook()).isNotNull();
        });
        assertThatThrownBy(() -> get(central)).isInstanceOf(ConnectException.class);
        assertThat(get(appUrl("southindia"))).contains("South India");
        assertThat(app("centralindia").state()).isEqualTo("stopped");

        AppActionResult started = environment.app("centralindia", AppAction.START);

        assertThat(started.instances().get(0).after()).isEqualTo(AppState.RUNNING);
        assertThat(started.instances().get(0).startTook()).isNotNull();
        assertThat(get(central)).contains("Central India");
        assertThat(environment
                        .app("centralindia", AppAction.START)
                        .instances()
                        .get(0)
                        .unchanged())
                .isTrue();
    }

    @Test
    void appKilledThroughHadrShowsAsCrashedAndIsNotRestarted() throws Exception {
        int restarts = app("southindia").restarts();

        environment.app("southindia", AppAction.KILL);

        EnvironmentStatus.AppStatus killed = app("southindia");
        assertThat(killed.state()).isEqualTo("crashed");
        assertThat(killed.lastExit()).contains("killed by signal 9");
        assertThat(killed.healing().nextRestartAt()).isNull();
        assertThatThrownBy(() -> get(appUrl("southindia"))).isInstanceOf(ConnectException.class);
        // Healing would have restarted a crash after one second: a deliberate kill stays down.
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> app("southindia").state().equals("crashed"));
        assertThatThrownBy(() -> environment.app("southindia", AppAction.KILL))
                .hasMessageContaining("is crashed, not running; nothing to kill");

        environment.app("southindia", AppAction.START);

        assertThat(get(appUrl("southindia"))).contains("South India");
        assertThat(app("southindia").restarts()).isEqualTo(restarts + 1);
    }

    @Test
    void appThatCrashesIsRestartedAndTheRestartCounted() throws Exception {
        EnvironmentStatus.AppStatus before = app("southindia");

        killFromOutside(before.pid());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            EnvironmentStatus.AppStatus healed = app("southindia");
            assertThat(healed.state()).isEqualTo("running");
            assertThat(healed.pid()).isNotEqualTo(before.pid());
        });
        EnvironmentStatus.AppStatus healed = app("southindia");
        assertThat(healed.restarts()).isEqualTo(before.restarts() + 1);
        assertThat(healed.lastExit()).contains("killed by signal 9");
        assertThat(healed.healing().recentCrashes()).isEqualTo(1);
        assertThat(healed.healing().gaveUp()).isFalse();
        assertThat(get(appUrl("southindia"))).contains("South India");
    }

    @Test
    void appThatKeepsCrashingIsLeftDownAndReported() throws Exception {
        int maxCrashes = HEALING.maxCrashes();
        for (int crash = 1; crash < maxCrashes; crash++) {
            long pid = app("centralindia").pid();
            killFromOutside(pid);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(app("centralindia").state()).isEqualTo("running");
                assertThat(app("centralindia").pid()).isNotEqualTo(pid);
            });
        }

        killFromOutside(app("centralindia").pid());

        await().atMost(Duration.ofSeconds(10))
                .until(() -> app("centralindia").healing().gaveUp());
        EnvironmentStatus.AppStatus given = app("centralindia");
        assertThat(given.state()).isEqualTo("crashed");
        assertThat(given.healing().recentCrashes()).isEqualTo(maxCrashes);
        assertThat(given.healing().nextRestartAt()).isNull();
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> app("centralindia").state().equals("crashed"));

        environment.app("centralindia", AppAction.START);

        assertThat(app("centralindia").healing().gaveUp()).isFalse();
        assertThat(app("centralindia").healing().recentCrashes()).isZero();
    }

    @Test
    void appsRefuseRequestsThatBypassTheFrontDoor() throws Exception {
        HttpResponse<String> direct =
                HTTP.send(HttpRequest.newBuilder(appUrl("centralindia")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(direct.statusCode()).isEqualTo(403);
        assertThat(viaFrontDoor().statusCode()).isEqualTo(200);
    }

    @Test
    void frontDoorSendsTrafficToThePrimaryAndMovesItWhenThePrimaryStops() throws Exception {
        assertThat(viaFrontDoor().body()).contains("\"region\":\"Central India\"");
        assertThat(environment.status().endpoint())
                .isEqualTo(environment.endpoint().toString());

        environment.app("centralindia", AppAction.STOP);

        // Retry on the next origin hides the stop even before the probes notice it.
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = viaFrontDoor();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("South India");
        }
    }

    @Test
    void disablingAnOriginTakesItOutOfRotation() throws Exception {
        EnvironmentStatus.OriginStatus origin = environment.updateOrigin("centralindia", OriginChange.disable());

        assertThat(origin.enabled()).isFalse();
        assertThat(origin.priority()).isEqualTo(1);
        assertThat(environment.status().region("centralindia").origin().enabled())
                .isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(viaFrontDoor().body()).contains("South India");
        }
        assertThat(environment
                        .updateOrigin("southindia", OriginChange.weight(500))
                        .weight())
                .isEqualTo(500);
        environment.updateOrigin("southindia", OriginChange.weight(1000));
    }

    @Test
    void unknownRegionIsNamedWithTheRegionsThatExist() {
        assertThatThrownBy(() -> environment.app("mars", AppAction.STOP))
                .isInstanceOfSatisfying(UnknownRegionException.class, e -> {
                    assertThat(e.region()).isEqualTo("mars");
                    assertThat(e.regions()).containsExactly("centralindia", "southindia");
                });
    }

    @Test
    void portInUseIsReportedBeforeAnythingStarts(@TempDir Path otherState) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Topology topology = TopologyLoader.parse(
                    "test.yaml", TOPOLOGY.replace("appBasePort: 0", "appBasePort: " + taken.getLocalPort()));
            StateDir stateDir = new StateDir(TestDirs.reachable(otherState));

            assertThatThrownBy(() -> LocalEnvironment.start(
                            topology, stateDir, AppJar.locate(new StateDir(stateRoot)), line -> {}))
                    .hasMessageContaining("port " + taken.getLocalPort() + " for app centralindia-0 is in use");
        }
    }

    @Test
    void warmStandbyKeepsTheSecondaryAppStoppedAndAnExplicitFrontDoorIdWins(@TempDir Path otherState) throws Exception {
        String explicitId = "3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69";
        Topology topology = TopologyLoader.parse(
                "test.yaml", TOPOLOGY + "strategy: warm-standby\nfrontDoor:\n  frontDoorId: " + explicitId + "\n");
        StateDir stateDir = new StateDir(TestDirs.reachable(otherState));
        List<String> progress = new ArrayList<>();

        try (LocalEnvironment warm =
                LocalEnvironment.start(topology, stateDir, AppJar.locate(new StateDir(stateRoot)), progress::add)) {
            Map<String, String> states = warm.status().regions().stream()
                    .collect(Collectors.toMap(
                            EnvironmentStatus.RegionStatus::id,
                            r -> r.apps().get(0).state()));

            assertThat(states).containsEntry("centralindia", "running").containsEntry("southindia", "stopped");
            assertThat(progress).anyMatch(line -> line.contains("southindia-0") && line.contains("stays stopped"));
            assertThat(warm.status().frontDoorId()).isEqualTo(explicitId);
            assertThat(warm.status()
                            .region("southindia")
                            .apps()
                            .get(0)
                            .healing()
                            .nextRestartAt())
                    .as("an app that was never started is not healed")
                    .isNull();
        }
    }

    private static EnvironmentStatus.AppStatus app(String region) {
        return environment.status().region(region).apps().get(0);
    }

    private static URI appUrl(String region) {
        return URI.create(app(region).url() + "/");
    }

    private static List<Long> appPids() {
        return environment.status().regions().stream()
                .flatMap(r -> r.apps().stream())
                .map(EnvironmentStatus.AppStatus::pid)
                .filter(p -> p != null)
                .toList();
    }

    /** SIGKILL from outside hadr, as the kernel's OOM killer or a fault would end the JVM. */
    static void killFromOutside(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** The local addresses (hex, as the kernel writes them) of sockets listening on a TCP port. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        String portHex = String.format("%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (local[1].equals(portHex) && fields[3].equals("0A")) {
                    addresses.add(local[0]);
                }
            }
        }
        return addresses;
    }

    /** A request as the front door sends it: apps are locked to their front door's id. */
    static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5))
                        .header("X-Azure-FDID", environment.frontDoorId())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    static HttpResponse<String> viaFrontDoor() throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(environment.endpoint().resolve("/"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
