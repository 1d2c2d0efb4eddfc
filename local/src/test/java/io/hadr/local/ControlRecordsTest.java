package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records the control API, its client and the CLI share survive the wire unchanged. */
class ControlRecordsTest {

    private final ObjectMapper json = Json.mapper();

    @Test
    void shouldCarryATopologyAcrossTheWire() throws Exception {
        Topology topology = TopologyLoader.parse("t.yaml", """
                name: wire
                strategy: warm-standby
                frontDoor:
                  frontDoorId: 3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69
                  healthProbe: {interval: 500ms}
                database: {failoverPolicy: automatic, gracePeriod: 8s}
                """);

        Topology read = json.readValue(json.writeValueAsString(topology), Topology.class);

        assertThat(read).isEqualTo(topology);
    }

    @Test
    void shouldCarryBackupsRestoresAndSqlAcrossTheWire() throws Exception {
        io.hadr.geodb.backup.BaseBackupInfo backup = new io.hadr.geodb.backup.BaseBackupInfo(
                "base-20261127T180703Z",
                1,
                "southindia",
                "centralindia",
                1,
                "0/3000028",
                "0/3000120",
                Instant.parse("2026-11-27T18:07:03Z"),
                Instant.parse("2026-11-27T18:07:05Z"),
                4_700_000,
                30_500_000,
                java.nio.file.Path.of("/var/b/base-1"));
        io.hadr.geodb.backup.AdoptReport adopt = new io.hadr.geodb.backup.AdoptReport(
                "before",
                "centralindia",
                null,
                java.nio.file.Path.of("/var/kept/centralindia"),
                2,
                List.of("moved"),
                Duration.ofSeconds(23),
                Instant.parse("2026-12-04T18:10:00Z"));
        io.hadr.geodb.backup.Leftover leftover = new io.hadr.geodb.backup.Leftover(
                io.hadr.geodb.backup.Leftover.Kind.FORMER_PRIMARY_DATA,
                java.nio.file.Path.of("/var/kept/centralindia"),
                52_000_000,
                Instant.parse("2026-11-27T18:10:00Z"),
                Instant.parse("2026-12-04T18:10:00Z"),
                "the data of 'x'");
        io.hadr.core.platform.RestoreRequest request = new io.hadr.core.platform.RestoreRequest(
                new io.hadr.core.platform.RestoreTarget.AtTime(Instant.parse("2026-11-27T18:10:00.123456Z")),
                "before",
                null);
        LocalBackups.SqlRequest sql = new LocalBackups.SqlRequest(
                io.hadr.core.platform.SqlTarget.restore("before"), "SELECT count(*) FROM records");
        ControlServer.StreamLine step = new ControlServer.StreamLine("replaying WAL", 1200L, null, null);

        String requestText = json.writeValueAsString(request);

        assertThat(requestText).contains("\"kind\":\"time\"");
        assertThat(json.readValue(requestText, io.hadr.core.platform.RestoreRequest.class))
                .isEqualTo(request);
        assertThat(json.readValue(json.writeValueAsString(backup), io.hadr.geodb.backup.BaseBackupInfo.class))
                .isEqualTo(backup);
        assertThat(json.readValue(json.writeValueAsString(adopt), io.hadr.geodb.backup.AdoptReport.class))
                .isEqualTo(adopt);
        assertThat(json.readValue(json.writeValueAsString(leftover), io.hadr.geodb.backup.Leftover.class))
                .isEqualTo(leftover);
        assertThat(json.readValue(json.writeValueAsString(sql), LocalBackups.SqlRequest.class))
                .isEqualTo(sql);
        ControlServer.StreamLine stepRead =
                json.readValue(json.writeValueAsString(step), ControlServer.StreamLine.class);
        assertThat(stepRead.step()).isEqualTo("replaying WAL");
        assertThat(stepRead.result() == null || stepRead.result().isNull()).isTrue();
    }

    @Test
    void shouldWriteAppStatesAsWordsAndReadThemBack() throws Exception {
        AppActionResult result = new AppActionResult(
                "centralindia",
                AppAction.STOP,
                List.of(new AppActionResult.InstanceResult(
                        "centralindia-0",
                        "http://127.0.0.1:8101",
                        AppState.RUNNING,
                        AppState.STOPPED,
                        Duration.ofMillis(1234),
                        null)));

        String text = json.writeValueAsString(result);

        assertThat(text)
                .contains("\"before\":\"running\"")
                .contains("\"after\":\"stopped\"")
                .contains("\"action\":\"STOP\"");
        assertThat(json.readValue(text, AppActionResult.class)).isEqualTo(result);
    }

    @Test
    void shouldCarryRegionAndFailoverResults() throws Exception {
        RegionActionResult region = new RegionActionResult(
                "southindia",
                RegionAction.DOWN,
                List.of(),
                new RegionActionResult.ServerChange(
                        "southindia", "secondary", "running", "down", Duration.ofMillis(80)),
                Duration.ofMillis(95));
        FailoverResult failover = new FailoverResult(
                FailoverMode.TRY_PLANNED,
                FailoverMode.FORCED,
                "centralindia",
                "southindia",
                Instant.parse("2030-01-01T00:00:00Z"),
                List.of(new FailoverResult.Phase("promoted", 250)),
                true,
                "the primary is unreachable",
                "operator");

        assertThat(json.readValue(json.writeValueAsString(region), RegionActionResult.class))
                .isEqualTo(region);
        assertThat(json.readValue(json.writeValueAsString(failover), FailoverResult.class))
                .isEqualTo(failover);
    }

    @Test
    void shouldKeepTheStatusContractFieldsEvenWhenNull() throws Exception {
        EnvironmentStatus status = new EnvironmentStatus(
                "local",
                "hadr",
                "active-passive",
                "built-in topology",
                null,
                null,
                null,
                null,
                List.of(),
                null,
                List.of(),
                null,
                null);

        String text = json.writeValueAsString(status);

        assertThat(text)
                .contains("\"endpoint\":null")
                .contains("\"frontDoorId\":null")
                .contains("\"database\":null");
        assertThat(json.readValue(text, EnvironmentStatus.class)).isEqualTo(status);
    }

    @Test
    void shouldCarryTheLinkListenersAndReplicationInTheStatus() throws Exception {
        EnvironmentStatus.DatabaseStatus database = new EnvironmentStatus.DatabaseStatus(
                "centralindia",
                "southindia",
                "steady",
                "127.0.0.1:5443",
                "centralindia",
                "127.0.0.1:5444",
                "southindia",
                "async",
                false,
                120L,
                15L,
                "manual",
                null,
                List.of(new EnvironmentStatus.ServerStatus(
                        "southindia",
                        "secondary",
                        "running",
                        5442,
                        42L,
                        1,
                        null,
                        "0/3000060",
                        true,
                        2,
                        "/tmp/log",
                        null,
                        Instant.parse("2030-01-01T00:00:00Z"),
                        false)),
                null,
                List.of(new EnvironmentStatus.ListenerStatus(
                        "read-write", "southindia", "127.0.0.1:5445", "centralindia", true, 3)),
                new EnvironmentStatus.ReplicationStatus(
                        true,
                        "streaming",
                        "0/3000100",
                        "0/3000100",
                        "0/3000060",
                        "0/3000060",
                        160L,
                        1L,
                        2L,
                        15L,
                        Instant.parse("2030-01-01T00:00:01Z"),
                        20L));
        EnvironmentStatus status = new EnvironmentStatus(
                "local",
                "hadr",
                "active-passive",
                "built-in topology",
                null,
                null,
                null,
                null,
                List.of(),
                database,
                List.of(),
                new EnvironmentStatus.LinkStatus(
                        10.0,
                        true,
                        Instant.parse("2030-01-01T00:00:02Z"),
                        2,
                        List.of(
                                new EnvironmentStatus.LinkDirection("centralindia", "southindia", 1000, 64),
                                new EnvironmentStatus.LinkDirection("southindia", "centralindia", 100, 0))),
                null);

        String text = json.writeValueAsString(status);

        assertThat(text).contains("\"link\":{\"latencyMs\":10.0,\"partitioned\":true");
        assertThat(json.readValue(text, EnvironmentStatus.class)).isEqualTo(status);
    }

    @Test
    void shouldReadLinkChangesScalesAndFailoverTargetsStrictly() throws Exception {
        ObjectMapper strict =
                json.copy().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        assertThat(strict.readValue("{\"kind\":\"latency\",\"oneWay\":\"PT0.05S\"}", LinkFault.class))
                .isEqualTo(new LinkFault.Latency(Duration.ofMillis(50)));
        assertThat(strict.readValue(json.writeValueAsString(new LinkFault.Partition()), LinkFault.class))
                .isEqualTo(new LinkFault.Partition());
        assertThat(strict.readValue(json.writeValueAsString(new LinkFault.Heal()), LinkFault.class))
                .isEqualTo(new LinkFault.Heal());
        assertThat(strict.readValue("{\"instances\":3}", ScaleRequest.class)).isEqualTo(new ScaleRequest(3));
        assertThat(strict.readValue("{\"mode\":\"FORCED\"}", FailoverRequest.class))
                .isEqualTo(new FailoverRequest(FailoverMode.FORCED, null));
        assertThat(strict.readValue("{\"mode\":\"PLANNED\",\"to\":\"southindia\"}", FailoverRequest.class)
                        .to())
                .isEqualTo("southindia");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> strict.readValue("{\"instances\":11}", ScaleRequest.class))
                .hasMessageContaining("an app scales to 0 to 10 instances per region, but 11 was asked for");
    }

    @Test
    void shouldTellDeclinedFailoversByTheirCode() throws Exception {
        ControlError busy = ControlError.of(ControlError.Code.FAILOVER_GROUP_BUSY, "busy");

        assertThat(json.readValue(json.writeValueAsString(busy), ControlError.class))
                .isEqualTo(busy);
        assertThat(busy.code().httpStatus()).isEqualTo(409);
    }

    @Test
    void shouldTellAnUnknownRegionByItsType() throws Exception {
        ControlError error = new ControlError(
                ControlError.Code.UNKNOWN_REGION, "no region 'mars'", "mars", List.of("centralindia", "southindia"));

        ControlError read = json.readValue(json.writeValueAsString(error), ControlError.class);

        assertThat(read).isEqualTo(error);
        assertThat(read.code().httpStatus()).isEqualTo(404);
    }
}
