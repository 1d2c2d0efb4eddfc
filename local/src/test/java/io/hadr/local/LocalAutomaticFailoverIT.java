package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The automatic failover policy as a topology asks for it, end to end. */
class LocalAutomaticFailoverIT {

    @TempDir
    Path stateRoot;

    @Test
    void automaticPolicyFailsOverAfterTheGracePeriodAndNotBefore() {
        Topology topology = TopologyLoader.parse("test.yaml", LocalEnvironmentIT.TOPOLOGY + """
                database:
                  failoverPolicy: automatic
                  gracePeriod: 8s
                """);
        assertThat(topology.nonAzureSettings()).anyMatch(s -> s.contains("gracePeriod 8s"));
        StateDir stateDir = new StateDir(TestDirs.reachable(stateRoot));
        try (LocalEnvironment environment =
                LocalEnvironment.start(topology, stateDir, AppJar.locate(stateDir), line -> {})) {
            Instant lost = Instant.now();

            environment.region("centralindia", RegionAction.DOWN);

            // Not before the grace period...
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(6))
                    .until(() ->
                            "centralindia".equals(environment.databaseStatus().primary()));
            // ...but soon after it.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> environment.databaseStatus().lastFailover() != null);
            assertThat(environment.databaseStatus().primary()).isEqualTo("southindia");
            assertThat(Duration.between(lost, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
            FailoverResult last = environment.databaseStatus().lastFailover();
            assertThat(last.performed()).isEqualTo(FailoverMode.FORCED);
            assertThat(last.reason()).containsIgnoringCase("automatic");
        }
    }
}
