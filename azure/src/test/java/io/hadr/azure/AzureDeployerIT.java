package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hadr.azure.fake.FakeArm;
import io.hadr.azure.fake.FakeAzure;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hadr azure up} and {@code down} against the fake ARM, over HTTPS with a bearer token. */
class AzureDeployerIT {

    @TempDir
    Path dir;

    private FakeAzure azure;

    @BeforeEach
    void startFake() throws Exception {
        azure = FakeAzure.start();
    }

    @AfterEach
    void stopFake() throws Exception {
        azure.close();
    }

    private String rg() {
        return azure.target().resourceGroupId();
    }

    @Test
    void upDeploysEveryResourceUploadsTheJarAndWaitsUntilTheEndpointAnswersFromThePrimary() throws Exception {
        Topology topology = TopologyLoader.builtIn();

        AzureResources resources = azure.deployer(topology).up(FakeAzure.appJar(dir), "Test-Passw0rd!", Duration.ofMinutes(1));

        FakeArm arm = azure.arm();
        assertThat(arm.resourceGroupExists(FakeAzure.GROUP)).isTrue();
        for (String region : List.of("centralindia", "southindia")) {
            AzureResources.Regional r = resources.region(region);
            assertThat(arm.resource(rg() + "/providers/Microsoft.Web/sites/" + r.site()).path("properties").path("state").asText())
                    .isEqualTo("Running");
            assertThat(arm.upload(r.site())).as("jar uploaded to " + r.site()).isNotNull();
            assertThat(arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + r.sqlServer())).isNotNull();
            assertThat(arm.resource(rg() + "/providers/Microsoft.Cdn/profiles/" + resources.profile() + "/originGroups/app/origins/" + region))
                    .isNotNull();
        }
        assertThat(arm.primaryServer(resources.failoverGroup())).isEqualTo(resources.region("centralindia").sqlServer());
        JsonNode profile = arm.resource(rg() + "/providers/Microsoft.Cdn/profiles/" + resources.profile());
        assertThat(resources.frontDoorId()).isEqualTo(profile.path("properties").path("frontDoorId").asText());
        String site = rg() + "/providers/Microsoft.Web/sites/" + resources.region("southindia").site();
        assertThat(arm.appSettings(site)).containsEntry(ArmTemplate.FRONT_DOOR_ID, resources.frontDoorId())
                .containsEntry(ArmTemplate.DB_URL, "jdbc:sqlserver://" + resources.failoverGroup() + ".database.windows.net:1433;database=hadr;"
                        + "encrypt=true;trustServerCertificate=false;hostNameInCertificate=*.database.windows.net;loginTimeout=30");
        assertThat(azure.output()).anyMatch(line -> line.contains("created Microsoft.Sql/servers/failoverGroups"))
                .anyMatch(line -> line.contains("answers from Central India"));
    }
}
