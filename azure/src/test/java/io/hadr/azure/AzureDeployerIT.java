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

        AzureResources resources =
                azure.deployer(topology).up(FakeAzure.appJar(dir), "Test-Passw0rd!", Duration.ofMinutes(1));

        FakeArm arm = azure.arm();
        assertThat(arm.resourceGroupExists(FakeAzure.GROUP)).isTrue();
        for (String region : List.of("centralindia", "southindia")) {
            AzureResources.Regional r = resources.region(region);
            assertThat(arm.resource(rg() + "/providers/Microsoft.Web/sites/" + r.site())
                            .path("properties")
                            .path("state")
                            .asText())
                    .isEqualTo("Running");
            assertThat(arm.upload(r.site())).as("jar uploaded to " + r.site()).isNotNull();
            assertThat(arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + r.sqlServer()))
                    .isNotNull();
            assertThat(arm.resource(rg() + "/providers/Microsoft.Cdn/profiles/" + resources.profile()
                            + "/originGroups/app/origins/" + region))
                    .isNotNull();
        }
        assertThat(arm.primaryServer(resources.failoverGroup()))
                .isEqualTo(resources.region("centralindia").sqlServer());
        JsonNode profile = arm.resource(rg() + "/providers/Microsoft.Cdn/profiles/" + resources.profile());
        assertThat(resources.frontDoorId())
                .isEqualTo(profile.path("properties").path("frontDoorId").asText());
        String site = rg() + "/providers/Microsoft.Web/sites/"
                + resources.region("southindia").site();
        assertThat(arm.appSettings(site))
                .containsEntry(ArmTemplate.FRONT_DOOR_ID, resources.frontDoorId())
                .containsEntry(
                        ArmTemplate.DB_URL,
                        "jdbc:sqlserver://" + resources.failoverGroup() + ".database.windows.net:1433;database=hadr;"
                                + "encrypt=true;trustServerCertificate=false;hostNameInCertificate=*.database.windows.net;loginTimeout=30");
        assertThat(azure.output())
                .anyMatch(line -> line.contains("created Microsoft.Sql/servers/failoverGroups"))
                .anyMatch(line -> line.contains("answers from Central India"));
    }

    @Test
    void aWarmStandbyKeepsTheSecondaryAppStoppedAndServesFromThePrimary() throws Exception {
        Topology topology = TopologyLoader.parse("warm.yaml", "name: warm\nstrategy: warm-standby\n");

        AzureResources resources =
                azure.deployer(topology).up(FakeAzure.appJar(dir), "Test-Passw0rd!", Duration.ofMinutes(1));

        FakeArm arm = azure.arm();
        String south = rg() + "/providers/Microsoft.Web/sites/"
                + resources.region("southindia").site();
        assertThat(arm.resource(south).path("properties").path("state").asText())
                .isEqualTo("Stopped");
        assertThat(arm.upload(resources.region("southindia").site()))
                .as("the standby has the jar, ready to start")
                .isNotNull();
        assertThat(azure.output()).anyMatch(line -> line.contains("warm-standby keeps it stopped"));
        assertThat(azure.platform(topology)
                        .status()
                        .region("southindia")
                        .apps()
                        .get(0)
                        .state())
                .isEqualTo("stopped");
    }

    @Test
    void aColdStandbyHasNoFailoverGroupAndRecoversByGeoRestore() throws Exception {
        Topology topology = TopologyLoader.parse("cold.yaml", "name: cold\nstrategy: cold-standby\n");
        azure.up(topology, dir);
        AzurePlatform platform = azure.platform(topology);

        assertThat(platform.resources().failoverGroup()).isNull();
        assertThat(platform.capabilities())
                .doesNotContain(io.hadr.core.platform.Capability.DB_FAILOVER)
                .contains(io.hadr.core.platform.Capability.GEO_RESTORE);
        assertThatThrownBy(() -> platform.failover(io.hadr.core.platform.FailoverMode.PLANNED))
                .isInstanceOf(io.hadr.core.platform.NotSupportedException.class)
                .hasMessageContaining("cold standby");
        assertThat(platform.status().database().secondary()).isNull();

        platform.restore(new io.hadr.core.platform.RestoreRequest(
                new io.hadr.core.platform.RestoreTarget.AtTime(java.time.Instant.now()),
                "cold-recovered",
                "southindia"));
        platform.adopt("cold-recovered");
        platform.app("southindia", io.hadr.core.platform.AppAction.START);

        String southServer = platform.resources().region("southindia").sqlServer();
        String site = rg() + "/providers/Microsoft.Web/sites/"
                + platform.resources().region("southindia").site();
        assertThat(azure.arm().appSettings(site).get(ArmTemplate.DB_URL))
                .startsWith("jdbc:sqlserver://" + southServer + ".database.windows.net:1433;database=cold-recovered;");
    }

    @Test
    void upAgainIsIncrementalButRefusesWhileTheDatabaseIsFailedOver() throws Exception {
        Topology topology = TopologyLoader.builtIn();
        azure.up(topology, dir);
        AzurePlatform platform = azure.platform(topology);
        String frontDoorId = platform.resources().frontDoorId();
        platform.failover(io.hadr.core.platform.FailoverMode.PLANNED);
        int requests = azure.arm().requests().size();

        assertThatThrownBy(() -> azure.up(topology, dir))
                .isInstanceOf(io.hadr.core.platform.PlatformException.class)
                .hasMessageContaining("has its primary in southindia now")
                .hasMessageContaining("fail back first");
        assertThat(azure.arm()
                        .requests()
                        .subList(requests, azure.arm().requests().size()))
                .allMatch(r -> r.startsWith("GET "));

        platform.failover(io.hadr.core.platform.FailoverMode.PLANNED);
        azure.up(topology, dir);

        assertThat(azure.platform(topology).resources().frontDoorId()).isEqualTo(frontDoorId);
        assertThat(azure.platform(topology).status().database().primary()).isEqualTo("centralindia");
    }

    @Test
    void aFailedDeploymentIsOneLineNamingTheResourceAndAzuresCode() throws Exception {
        Topology topology = TopologyLoader.parse("bad.yaml", "name: bad\ndatabase:\n  failoverPolicy: automatic\n");
        azure.arm()
                .failNext(
                        "PUT",
                        "/resourcegroups/" + FakeAzure.GROUP.toLowerCase()
                                + "/providers/microsoft.resources/deployments/",
                        400,
                        "InvalidTemplateDeployment",
                        "The template deployment 'hadr-bad' is not valid according to the validation procedure.");

        assertThatThrownBy(() -> azure.up(topology, dir))
                .isInstanceOf(AzureException.class)
                .hasMessage(
                        "PUT Microsoft.Resources/deployments hadr-bad: Azure answered 400 InvalidTemplateDeployment: "
                                + "The template deployment 'hadr-bad' is not valid according to the validation procedure.");
    }

    @Test
    void aResourceThatFailsInsideTheDeploymentIsNamedWithItsCode() throws Exception {
        Topology topology = TopologyLoader.builtIn();
        AzureDeployer deployer = azure.deployer(topology);
        // The fake refuses an SQL server without a password, as Azure does on creation.
        assertThatThrownBy(() -> deployer.up(FakeAzure.appJar(dir), "", Duration.ofMinutes(1)))
                .isInstanceOf(AzureException.class)
                .hasMessageStartingWith("deploy Microsoft.Sql/servers hadr-centralindia-")
                .hasMessageContaining("Azure answered 400 InvalidRequestContent")
                .hasMessageContaining("administratorLoginPassword");
        assertThat(azure.output()).anyMatch(line -> line.contains("FAILED Microsoft.Sql/servers"));

        AzureResources resources = deployer.up(FakeAzure.appJar(dir), "Test-Passw0rd!", Duration.ofMinutes(1));

        assertThat(resources.failoverGroup())
                .as("a failed deployment is deployed again")
                .isNotNull();
    }

    @Test
    void downDeletesWhatTheDeploymentCreatedAndTheGroupHadrMade() throws Exception {
        Topology topology = TopologyLoader.builtIn();
        azure.up(topology, dir);
        AzurePlatform platform = azure.platform(topology);
        platform.failover(io.hadr.core.platform.FailoverMode.PLANNED);
        AzureDeployer deployer = azure.deployer(topology);

        List<String> planned = deployer.plannedDeletions();
        List<String> deleted = deployer.down();

        assertThat(planned.get(0)).startsWith("Microsoft.Sql/servers/failoverGroups");
        assertThat(deleted).containsAll(planned).contains("resource group " + FakeAzure.GROUP);
        assertThat(azure.arm().resourceGroupExists(FakeAzure.GROUP)).isFalse();
        assertThat(azure.arm().ids()).isEmpty();
        // After the failover the group's primary is South India's server: the delete went there.
        assertThat(azure.arm().requests())
                .anyMatch(r -> r.startsWith("DELETE ")
                        && r.contains(platform.resources().region("southindia").sqlServer() + "/failoverGroups/"));
        assertThat(azure.deployer(topology).plannedDeletions()).isEmpty();
    }

    @Test
    void downKeepsAGroupItDidNotCreate() throws Exception {
        azure.client()
                .put(
                        rg(),
                        AzureApi.RESOURCES,
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                .objectNode()
                                .put("location", "centralindia"),
                        Duration.ofSeconds(30),
                        line -> {});
        Topology topology = TopologyLoader.builtIn();
        azure.up(topology, dir);

        azure.deployer(topology).down();

        assertThat(azure.arm().resourceGroupExists(FakeAzure.GROUP)).isTrue();
        assertThat(azure.arm().ids()).isEmpty();
    }
}
