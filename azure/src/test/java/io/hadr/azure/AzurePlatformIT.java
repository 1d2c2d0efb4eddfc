package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import io.hadr.azure.fake.FakeArm;
import io.hadr.azure.fake.FakeAzure;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.Capability;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.NotSupportedException;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.PlatformException;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every AzurePlatform action against the fake ARM, each checked by the state it leaves there. */
class AzurePlatformIT {

    @TempDir
    Path dir;

    private FakeAzure azure;
    private FakeArm arm;
    private Topology topology;
    private AzurePlatform platform;
    private AzureResources names;

    @BeforeEach
    void deploy() throws Exception {
        azure = FakeAzure.start();
        arm = azure.arm();
        topology = TopologyLoader.builtIn();
        azure.up(topology, dir);
        platform = azure.platform(topology);
        names = platform.resources();
    }

    @AfterEach
    void stopFake() throws Exception {
        azure.close();
    }

    private String rg() {
        return azure.target().resourceGroupId();
    }

    private JsonNode site(String region) {
        return arm.resource(
                rg() + "/providers/Microsoft.Web/sites/" + names.region(region).site());
    }

    private JsonNode origin(String region) {
        return arm.resource(
                rg() + "/providers/Microsoft.Cdn/profiles/" + names.profile() + "/originGroups/app/origins/" + region);
    }

    private String endpointRegion() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(arm.certificate().clientContext())
                .build();
        HttpResponse<String> response =
                client.send(HttpRequest.newBuilder(platform.endpoint()).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void stopStartAndRestartChangeTheSiteStateAndWhereTheEndpointAnswersFrom() throws Exception {
        platform.app("centralindia", AppAction.STOP);

        assertThat(site("centralindia").path("properties").path("state").asText())
                .isEqualTo("Stopped");
        assertThat(endpointRegion()).startsWith("200").contains("South India");
        assertThat(platform.status().region("centralindia").apps().get(0).state())
                .isEqualTo("stopped");

        platform.app("centralindia", AppAction.START);

        assertThat(site("centralindia").path("properties").path("state").asText())
                .isEqualTo("Running");
        assertThat(endpointRegion()).contains("Central India");

        platform.app("southindia", AppAction.RESTART);

        assertThat(site("southindia").path("properties").path("restarts").asInt())
                .isEqualTo(1);
        assertThat(arm.requests())
                .contains("POST " + rg() + "/providers/Microsoft.Web/sites/"
                        + names.region("southindia").site() + "/restart");
    }

    @Test
    void killIsNotSupportedAndSaysWhy() {
        assertThatThrownBy(() -> platform.app("centralindia", AppAction.KILL))
                .isInstanceOf(NotSupportedException.class)
                .hasMessageContaining("cannot kill an app instance")
                .hasMessageContaining("restart");
        assertThat(platform.capabilities()).doesNotContain(Capability.APP_KILL);
    }

    @Test
    void scaleSetsThePlanCapacityAndZeroStopsTheApp() {
        platform.scale("southindia", 3);

        String plan = rg() + "/providers/Microsoft.Web/serverfarms/"
                + names.region("southindia").plan();
        assertThat(arm.resource(plan).path("sku").path("capacity").asInt()).isEqualTo(3);

        platform.scale("southindia", 0);

        assertThat(site("southindia").path("properties").path("state").asText()).isEqualTo("Stopped");
        assertThat(arm.resource(plan).path("sku").path("capacity").asInt()).isEqualTo(3);

        platform.scale("southindia", 1);

        assertThat(arm.resource(plan).path("sku").path("capacity").asInt()).isEqualTo(1);
        assertThat(site("southindia").path("properties").path("state").asText()).isEqualTo("Running");
    }

    @Test
    void originUpdatesWaitForTheLongRunningPatchAndChangeRouting() throws Exception {
        arm.pollsPerOperation(4);

        platform.origin("centralindia", OriginChange.disable());

        assertThat(origin("centralindia")
                        .path("properties")
                        .path("enabledState")
                        .asText())
                .isEqualTo("Disabled");
        assertThat(endpointRegion()).contains("South India");

        platform.origin("centralindia", OriginChange.enable());
        platform.origin("southindia", OriginChange.priority(1));
        platform.origin("southindia", OriginChange.weight(250));

        assertThat(origin("centralindia")
                        .path("properties")
                        .path("enabledState")
                        .asText())
                .isEqualTo("Enabled");
        assertThat(origin("southindia").path("properties").path("priority").asInt())
                .isEqualTo(1);
        assertThat(origin("southindia").path("properties").path("weight").asInt())
                .isEqualTo(250);
        EnvironmentStatus.OriginStatus status =
                platform.status().region("southindia").origin();
        assertThat(status.priority()).isEqualTo(1);
        assertThat(status.weight()).isEqualTo(250);
        assertThat(status.enabled()).isTrue();
    }

    @Test
    void plannedFailoverIsPostedToTheSecondaryAndSwapsTheRoles() {
        String central = names.region("centralindia").sqlServer();
        String south = names.region("southindia").sqlServer();

        FailoverResult result = platform.failover(FailoverMode.PLANNED);

        assertThat(result.oldPrimary()).isEqualTo("centralindia");
        assertThat(result.newPrimary()).isEqualTo("southindia");
        assertThat(result.dataLossPossible()).isFalse();
        assertThat(arm.primaryServer(names.failoverGroup())).isEqualTo(south);
        assertThat(arm.requests())
                .contains("POST " + rg() + "/providers/Microsoft.Sql/servers/" + south + "/failoverGroups/"
                        + names.failoverGroup() + "/failover");
        EnvironmentStatus status = platform.status();
        assertThat(status.database().primary()).isEqualTo("southindia");
        assertThat(status.database().secondary()).isEqualTo("centralindia");
        assertThat(status.database().readWriteTarget()).isEqualTo(south);
        assertThat(status.database().lastFailover()).isEqualTo(result);

        FailoverResult back = platform.failover(FailoverMode.FORCED);

        assertThat(back.newPrimary()).isEqualTo("centralindia");
        assertThat(back.dataLossPossible()).isTrue();
        assertThat(arm.primaryServer(names.failoverGroup())).isEqualTo(central);
        assertThat(arm.requests())
                .contains("POST " + rg() + "/providers/Microsoft.Sql/servers/" + central + "/failoverGroups/"
                        + names.failoverGroup() + "/forceFailoverAllowDataLoss");
    }

    @Test
    void aFailoverSentToThePrimaryIsRefusedWithAzuresCodeInOneLine() {
        String central = names.region("centralindia").sqlServer();
        String path = rg() + "/providers/Microsoft.Sql/servers/" + central + "/failoverGroups/" + names.failoverGroup()
                + "/failover";

        assertThatThrownBy(() -> azure.client().post(path, AzureApi.SQL, null, Duration.ofSeconds(30), line -> {}))
                .isInstanceOf(AzureException.class)
                .hasMessageContaining("FailoverGroupFailoverRequestOnPrimary")
                .hasMessageContaining("Microsoft.Sql/servers/failoverGroups " + names.failoverGroup())
                .hasMessageContaining(central)
                .hasMessageNotContaining("\n");
        assertThat(arm.primaryServer(names.failoverGroup())).isEqualTo(central);
    }

    @Test
    void plannedFailoverFailsWhileThePrimaryIsUnreachableButTryPlannedFallsBackAndCompletes() {
        String central = names.region("centralindia").sqlServer();
        arm.unreachable(central, true);

        assertThatThrownBy(() -> platform.failover(FailoverMode.PLANNED))
                .isInstanceOf(AzureException.class)
                .hasMessageContaining("PlannedFailoverTimedOut")
                .satisfies(e -> assertThat(((AzureException) e).code()).isEqualTo("PlannedFailoverTimedOut"));
        assertThat(arm.primaryServer(names.failoverGroup())).isEqualTo(central);

        FailoverResult result = platform.failover(FailoverMode.TRY_PLANNED);

        assertThat(result.newPrimary()).isEqualTo("southindia");
        assertThat(result.dataLossPossible()).isTrue();
        assertThat(arm.requests()).anyMatch(r -> r.endsWith("/tryPlannedBeforeForcedFailover"));
        assertThat(arm.primaryServer(names.failoverGroup()))
                .isEqualTo(names.region("southindia").sqlServer());
    }

    @Test
    void pointInTimeRestoreCreatesANewDatabaseOnThePrimaryServer() {
        String central = names.region("centralindia").sqlServer();
        String source = rg() + "/providers/Microsoft.Sql/servers/" + central + "/databases/hadr";
        Instant earliest = Instant.parse(arm.resource(source)
                .path("properties")
                .path("earliestRestoreDate")
                .asText());

        RestoreResult result =
                platform.restore(new RestoreRequest(new RestoreTarget.AtTime(earliest), "hadr-before-mistake", null));

        JsonNode restored =
                arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + central + "/databases/hadr-before-mistake");
        assertThat(restored).isNotNull();
        JsonNode creation = arm.creation(restored.path("id").asText());
        assertThat(creation.path("createMode").asText()).isEqualTo("PointInTimeRestore");
        assertThat(creation.path("restorePointInTime").asText()).isEqualTo(earliest.toString());
        assertThat(creation.path("sourceDatabaseId").asText()).isEqualTo(source);
        assertThat(result.name()).isEqualTo("hadr-before-mistake");
        assertThat(result.address()).isEqualTo(central + ".database.windows.net/hadr-before-mistake");
        assertThat(result.reachedCommitTime()).isEqualTo(earliest);
        assertThat(arm.requests())
                .anyMatch(r -> r.equals("PUT " + rg() + "/providers/Microsoft.Sql/servers/" + central
                        + "/databases/hadr-before-mistake"));
    }

    @Test
    void aRestoreBeforeTheEarliestRestorePointIsRefusedBeforeAzureIsAsked() {
        String central = names.region("centralindia").sqlServer();
        Instant tooEarly = Instant.parse(
                        arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + central + "/databases/hadr")
                                .path("properties")
                                .path("earliestRestoreDate")
                                .asText())
                .minusSeconds(3600);

        assertThatThrownBy(() ->
                        platform.restore(new RestoreRequest(new RestoreTarget.AtTime(tooEarly), "too-early", null)))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("earliest restore point");
        assertThat(arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + central + "/databases/too-early"))
                .isNull();
    }

    @Test
    void geoRestoreUsesRecoveryModeIntoTheOtherRegionsServerAndAdoptPointsTheAppsThere() {
        String central = names.region("centralindia").sqlServer();
        String south = names.region("southindia").sqlServer();
        Instant backup = Instant.now().minusSeconds(1800);
        arm.geoBackup(central, "hadr", backup);

        RestoreResult result =
                platform.restore(new RestoreRequest(new RestoreTarget.AtTime(Instant.now()), "hadr-geo", "southindia"));

        String geoId = rg() + "/providers/Microsoft.Sql/servers/" + south + "/databases/hadr-geo";
        assertThat(arm.resource(geoId)).isNotNull();
        assertThat(arm.creation(geoId).path("createMode").asText()).isEqualTo("Recovery");
        assertThat(arm.creation(geoId).path("sourceDatabaseId").asText())
                .isEqualTo(rg() + "/providers/Microsoft.Sql/servers/" + central + "/recoverableDatabases/hadr");
        assertThat(result.reachedCommitTime()).isEqualTo(backup);
        assertThat(result.fromRegion()).isEqualTo("southindia");

        platform.adopt("hadr-geo");

        for (String region : new String[] {"centralindia", "southindia"}) {
            String siteId = rg() + "/providers/Microsoft.Web/sites/"
                    + names.region(region).site();
            assertThat(arm.appSettings(siteId).get(ArmTemplate.DB_URL))
                    .startsWith(
                            "jdbc:sqlserver://" + south + ".database.windows.net:1433;database=hadr-geo;encrypt=true");
            assertThat(arm.appSettings(siteId)).containsKey(ArmTemplate.FRONT_DOOR_ID);
        }
    }

    @Test
    void geoRestoreToTheLatestPointRestoresTheLatestGeoReplicatedBackup() {
        String central = names.region("centralindia").sqlServer();
        Instant backup = Instant.now().minusSeconds(900);
        arm.geoBackup(central, "hadr", backup);

        RestoreResult result =
                platform.restore(new RestoreRequest(new RestoreTarget.Latest(), "hadr-latest", "southindia"));

        String geoId = rg() + "/providers/Microsoft.Sql/servers/"
                + names.region("southindia").sqlServer() + "/databases/hadr-latest";
        assertThat(arm.creation(geoId).path("createMode").asText()).isEqualTo("Recovery");
        assertThat(result.reachedCommitTime()).isEqualTo(backup);
    }

    @Test
    void geoRestoreToATimeBeforeTheLatestGeoBackupIsRefusedWithTheReason() {
        arm.geoBackup(
                names.region("centralindia").sqlServer(), "hadr", Instant.now().minusSeconds(60));

        assertThatThrownBy(() -> platform.restore(new RestoreRequest(
                        new RestoreTarget.AtTime(Instant.now().minusSeconds(3600)), "hadr-geo", "southindia")))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("only the latest geo-replicated backup");
    }

    @Test
    void adoptingARestoreOnThePrimaryAddsItToTheFailoverGroupAndKeepsTheListener() {
        String central = names.region("centralindia").sqlServer();
        String south = names.region("southindia").sqlServer();
        Instant earliest =
                Instant.parse(arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + central + "/databases/hadr")
                        .path("properties")
                        .path("earliestRestoreDate")
                        .asText());
        platform.restore(new RestoreRequest(new RestoreTarget.AtTime(earliest), "hadr-pitr", null));

        platform.adopt("hadr-pitr");

        JsonNode group = azure.client()
                .get(
                        rg() + "/providers/Microsoft.Sql/servers/" + central + "/failoverGroups/"
                                + names.failoverGroup(),
                        AzureApi.SQL);
        assertThat(group.path("properties").path("databases").toString()).contains("/databases/hadr-pitr");
        assertThat(arm.resource(rg() + "/providers/Microsoft.Sql/servers/" + south + "/databases/hadr-pitr"))
                .as("geo-secondary")
                .isNotNull();
        String siteId = rg() + "/providers/Microsoft.Web/sites/"
                + names.region("centralindia").site();
        assertThat(arm.appSettings(siteId).get(ArmTemplate.DB_URL))
                .startsWith(
                        "jdbc:sqlserver://" + names.failoverGroup() + ".database.windows.net:1433;database=hadr-pitr;");
    }

    @Test
    void whatAzureCannotDoIsRefusedWithACapabilityAndAReason() {
        assertThat(platform.capabilities())
                .containsExactlyInAnyOrder(
                        Capability.APP_LIFECYCLE,
                        Capability.APP_SCALE,
                        Capability.ORIGIN_UPDATE,
                        Capability.DB_FAILOVER,
                        Capability.RESTORE,
                        Capability.GEO_RESTORE,
                        Capability.ADOPT);

        assertThatThrownBy(() -> platform.region("centralindia", RegionAction.DOWN))
                .isInstanceOf(NotSupportedException.class)
                .satisfies(e ->
                        assertThat(((NotSupportedException) e).capability()).isEqualTo(Capability.REGION_OUTAGE))
                .hasMessageContaining("Azure cannot take a region down");
        assertThatThrownBy(() -> platform.link(new LinkFault.Partition()))
                .isInstanceOf(NotSupportedException.class)
                .satisfies(e ->
                        assertThat(((NotSupportedException) e).capability()).isEqualTo(Capability.LINK_FAULTS));
        assertThatThrownBy(() -> platform.restore(new RestoreRequest(new RestoreTarget.AtLsn("0/3000060"), null, null)))
                .isInstanceOf(NotSupportedException.class)
                .hasMessageContaining("log sequence number");
        assertThatThrownBy(() -> platform.mark("before"))
                .isInstanceOf(NotSupportedException.class)
                .satisfies(e ->
                        assertThat(((NotSupportedException) e).capability()).isEqualTo(Capability.RESTORE_EXACT));
        assertThatThrownBy(() -> platform.sql(SqlTarget.readWriteListener(), "SELECT 1"))
                .isInstanceOf(NotSupportedException.class)
                .hasMessageContaining(names.failoverGroup() + ".database.windows.net");
    }

    @Test
    void statusHasTheShapeOfTheLocalStatus() {
        EnvironmentStatus status = platform.status();

        assertThat(status.platform()).isEqualTo("azure");
        assertThat(status.name()).isEqualTo("hadr");
        assertThat(status.strategy()).isEqualTo("active-passive");
        assertThat(status.endpoint()).isEqualTo(platform.endpoint().toString());
        assertThat(status.frontDoorId()).isEqualTo(names.frontDoorId());
        assertThat(status.regions())
                .extracting(EnvironmentStatus.RegionStatus::id)
                .containsExactly("centralindia", "southindia");
        assertThat(status.region("centralindia").displayName()).isEqualTo("Central India");
        assertThat(status.region("centralindia").role()).isEqualTo("primary");
        assertThat(status.region("centralindia").origin().priority()).isEqualTo(1);
        assertThat(status.region("southindia").origin().priority()).isEqualTo(2);
        assertThat(status.region("southindia").apps().get(0).url())
                .isEqualTo("https://" + names.region("southindia").site() + ".azurewebsites.net");
        assertThat(status.database().readWriteListener())
                .isEqualTo(names.failoverGroup() + ".database.windows.net:1433");
        assertThat(status.database().readOnlyListener())
                .isEqualTo(names.failoverGroup() + ".secondary.database.windows.net:1433");
        assertThat(status.database().failoverPolicy()).isEqualTo("manual");
        assertThat(status.database().servers())
                .extracting(EnvironmentStatus.ServerStatus::role)
                .containsExactly("primary", "secondary");
        assertThat(status.startedAt()).isNotNull();
    }

    @Test
    void everyAzureFailureIsOneLineNamingTheResourceAndTheCode() {
        arm.failNext("POST", "/stop", 409, "SiteStopConflict", "The site is busy with\nanother operation.");

        assertThatThrownBy(() -> platform.app("southindia", AppAction.STOP))
                .isInstanceOf(AzureException.class)
                .hasMessage("POST stop on Microsoft.Web/sites "
                        + names.region("southindia").site()
                        + ": Azure answered 409 SiteStopConflict: The site is busy with another operation.");
    }

    @Test
    void anEndpointAfterTheDeploymentIsTheFrontDoorHost() {
        assertThat(platform.endpoint()).isEqualTo(URI.create("https://" + names.endpointHostName() + "/"));
        assertThat(platform.kind()).isEqualTo("azure");
        assertThat(azure.client()
                        .send(
                                HttpMethod.GET,
                                URI.create(azure.target().armEndpoint() + rg() + "?api-version=2024-03-01"),
                                null,
                                null)
                        .status())
                .isEqualTo(200);
    }
}
