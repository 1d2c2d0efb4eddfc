package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local environment with real app processes on loopback. */
class LocalEnvironmentIT {

    static final String TOPOLOGY = """
            name: envtest
            local:
              endpointPort: 0
              appBasePort: 0
              databaseBasePort: 0
              controlPort: 0
            """;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path stateRoot;

    private static LocalEnvironment environment;

    @BeforeAll
    static void start() {
        Topology topology = TopologyLoader.parse("test.yaml", TOPOLOGY);
        StateDir stateDir = new StateDir(TestDirs.reachable(stateRoot));
        environment = LocalEnvironment.start(topology, stateDir, AppJar.locate(stateDir), line -> {});
    }

    @AfterAll
    static void stop() {
        if (environment != null) {
            List<Long> pids = appPids();
            environment.close();
            assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        }
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
    void stoppedAppRefusesConnectionsWhileTheOtherKeepsAnswering() throws Exception {
        URI central = appUrl("centralindia");

        List<String> stopped = environment.app("centralindia", AppAction.STOP);

        assertThat(stopped).singleElement().asString().startsWith("stopped app centralindia-0");
        assertThatThrownBy(() -> get(central)).isInstanceOf(ConnectException.class);
        assertThat(get(appUrl("southindia"))).contains("South India");
        assertThat(appState("centralindia")).isEqualTo("stopped");

        environment.app("centralindia", AppAction.START);

        assertThat(get(central)).contains("Central India");
        assertThat(appState("centralindia")).isEqualTo("running");
    }

    @Test
    void killedAppShowsAsCrashedUntilStarted() throws Exception {
        environment.app("southindia", AppAction.KILL);

        assertThat(appState("southindia")).isEqualTo("crashed");
        assertThat(app("southindia").lastExit()).contains("killed by signal 9");
        assertThatThrownBy(() -> get(appUrl("southindia"))).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> environment.app("southindia", AppAction.KILL))
                .hasMessageContaining("is crashed, not running; nothing to kill");

        environment.app("southindia", AppAction.START);

        assertThat(get(appUrl("southindia"))).contains("South India");
        assertThat(app("southindia").restarts()).isPositive();
    }

    @Test
    void appsRefuseRequestsThatBypassTheFrontDoor() throws Exception {
        HttpResponse<String> direct = HTTP.send(HttpRequest.newBuilder(appUrl("centralindia")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(direct.statusCode()).isEqualTo(403);
        assertThat(viaFrontDoor().statusCode()).isEqualTo(200);
    }

    @Test
    void frontDoorSendsTrafficToThePrimaryAndMovesItWhenThePrimaryStops() throws Exception {
        assertThat(viaFrontDoor().body()).contains("\"region\":\"Central India\"");
        assertThat(environment.status().endpoint()).isEqualTo(environment.endpoint().toString());

        environment.app("centralindia", AppAction.STOP);
        try {
            // Retry on the next origin hides the stop even before the probes notice it.
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = viaFrontDoor();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("South India");
            }
        } finally {
            environment.app("centralindia", AppAction.START);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(viaFrontDoor().body()).contains("Central India"));
    }

    @Test
    void disablingAnOriginTakesItOutOfRotation() throws Exception {
        String line = environment.updateOrigin("centralindia", io.hadr.frontdoor.OriginUpdate.disable());
        try {
            assertThat(line).contains("disabled");
            assertThat(environment.status().regions().get(0).origin()).asString().contains("enabled=false");
            for (int i = 0; i < 5; i++) {
                assertThat(viaFrontDoor().body()).contains("South India");
            }
        } finally {
            environment.updateOrigin("centralindia", io.hadr.frontdoor.OriginUpdate.enable());
        }
        // Other tests stop Central India; its probes may still be catching up.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(viaFrontDoor().body()).contains("Central India"));
        assertThatThrownBy(() -> environment.updateOrigin("centralindia", io.hadr.frontdoor.OriginUpdate.none()))
                .hasMessageContaining("nothing to change");
    }

    @Test
    void unknownRegionIsNamedWithTheRegionsThatExist() {
        assertThatThrownBy(() -> environment.app("mars", AppAction.STOP))
                .hasMessage("no region 'mars'; the regions are centralindia, southindia");
    }

    @Test
    void portInUseIsReportedBeforeAnythingStarts(@TempDir Path otherState) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Topology topology = TopologyLoader.parse("test.yaml", TOPOLOGY.replace("appBasePort: 0", "appBasePort: " + taken.getLocalPort())
                    );
            StateDir stateDir = new StateDir(TestDirs.reachable(otherState));

            assertThatThrownBy(() -> LocalEnvironment.start(topology, stateDir, AppJar.locate(new StateDir(stateRoot)), line -> {}))
                    .hasMessageContaining("port " + taken.getLocalPort() + " for app centralindia-0 is in use");
        }
    }

    @Test
    void warmStandbyKeepsTheSecondaryAppStopped(@TempDir Path otherState) throws Exception {
        Topology topology = TopologyLoader.parse("test.yaml", TOPOLOGY + "strategy: warm-standby\n");
        StateDir stateDir = new StateDir(TestDirs.reachable(otherState));
        List<String> progress = new ArrayList<>();

        try (LocalEnvironment warm = LocalEnvironment.start(topology, stateDir, AppJar.locate(new StateDir(stateRoot)), progress::add)) {
            Map<String, String> states = warm.status().regions().stream()
                    .collect(Collectors.toMap(EnvironmentStatus.Region::id, r -> r.apps().get(0).state()));

            assertThat(states).containsEntry("centralindia", "running").containsEntry("southindia", "stopped");
            assertThat(progress).anyMatch(line -> line.contains("southindia-0") && line.contains("stays stopped"));
        }
    }

    private static EnvironmentStatus.App app(String region) {
        return environment.status().regions().stream().filter(r -> r.id().equals(region)).findFirst().orElseThrow().apps().get(0);
    }

    private static String appState(String region) {
        return app(region).state();
    }

    private static URI appUrl(String region) {
        return URI.create(app(region).url() + "/");
    }

    private static List<Long> appPids() {
        return environment.status().regions().stream().flatMap(r -> r.apps().stream())
                .map(EnvironmentStatus.App::pid).filter(p -> p != null).toList();
    }

    /** A request as the front door sends it: apps are locked to their front door's id. */
    static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                        .header("X-Azure-FDID", environment.topology().frontDoor().frontDoorId()).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    static HttpResponse<String> viaFrontDoor() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(environment.endpoint().resolve("/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
