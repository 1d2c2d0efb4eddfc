package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.core.platform.FailoverMode;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hadr down} then {@code hadr up} on the same state directory: same roles, every committed row. */
class LocalRestartIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path stateRoot;

    @Test
    void downThenUpKeepsEveryCommittedRowAndTheRoles() throws Exception {
        Topology topology = TopologyLoader.parse("test.yaml", LocalEnvironmentIT.TOPOLOGY);
        StateDir stateDir = new StateDir(TestDirs.reachable(stateRoot));
        try (LocalEnvironment first = LocalEnvironment.start(topology, stateDir, AppJar.locate(stateDir), line -> {})) {
            for (int i = 1; i <= 50; i++) {
                assertThat(post(first.endpoint(), i)).isEqualTo(201);
            }
            first.failover(FailoverMode.PLANNED);
            for (int i = 51; i <= 60; i++) {
                assertThat(post(first.endpoint(), i)).isEqualTo(201);
            }
        }

        try (LocalEnvironment second =
                LocalEnvironment.start(topology, stateDir, AppJar.locate(stateDir), line -> {})) {
            assertThat(second.databaseStatus().primary()).isEqualTo("southindia");
            String body = HTTP.send(
                            HttpRequest.newBuilder(second.endpoint().resolve("/api/records?writer=keep"))
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (int i = 1; i <= 60; i++) {
                assertThat(body).contains("\"id\":\"keep-" + i + "\"");
            }
        }
    }

    private static int post(URI endpoint, int seq) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(endpoint.resolve("/api/records"))
                        .timeout(Duration.ofSeconds(15))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"id\":\"keep-" + seq + "\",\"writer\":\"keep\",\"seq\":" + seq + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            System.out.println("POST keep-" + seq + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }
}
