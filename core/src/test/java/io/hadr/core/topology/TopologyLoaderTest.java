package io.hadr.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyLoaderTest {

    @Test
    void builtInTopologyIsCentralIndiaPrimaryAndSouthIndiaSecondaryActivePassive() {
        Topology topology = TopologyLoader.builtIn();

        assertThat(topology.strategy()).isEqualTo(Strategy.ACTIVE_PASSIVE);
        assertThat(topology.primary().id()).isEqualTo("centralindia");
        assertThat(topology.primary().displayName()).isEqualTo("Central India");
        assertThat(topology.secondary().id()).isEqualTo("southindia");
        assertThat(topology.secondary().displayName()).isEqualTo("South India");
        assertThat(topology.frontDoor().origin("centralindia").priority()).isEqualTo(1);
        assertThat(topology.frontDoor().origin("southindia").priority()).isEqualTo(2);
        assertThat(topology.local().endpointPort()).isEqualTo(8080);
        assertThat(topology.source()).isEqualTo("built-in topology");
    }

    @Test
    void tellsWhetherTheFrontDoorIdWasGivenOrIsAStandIn() {
        Topology given =
                TopologyLoader.parse("t.yaml", "frontDoor:\n  frontDoorId: 3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69\n");
        Topology standIn = TopologyLoader.parse("t.yaml", "name: other\n");

        assertThat(given.frontDoor().frontDoorIdGiven()).isTrue();
        assertThat(given.frontDoor().frontDoorId()).isEqualTo("3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69");
        assertThat(standIn.frontDoor().frontDoorIdGiven()).isFalse();
        assertThat(TopologyLoader.builtIn().frontDoor().frontDoorIdGiven()).isFalse();
    }

    @Test
    void activeActiveGivesEqualPriorityAndWeight() {
        Topology topology = TopologyLoader.parse("t.yaml", "strategy: active-active\n");

        assertThat(topology.frontDoor().origins())
                .extracting(FrontDoorSpec.Origin::priority, FrontDoorSpec.Origin::weight)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(1, 1000));
    }

    @Test
    void fullFileIsRead() {
        String yaml = """
                name: shop
                strategy: active-passive
                regions:
                  - id: southindia
                    role: secondary
                  - id: centralindia
                    displayName: Central India
                    role: primary
                    appInstances: 2
                app:
                  env:
                    FEATURE_X: "on"
                frontDoor:
                  healthProbe:
                    interval: 2s
                    method: GET
                  loadBalancing:
                    sampleSize: 5
                    successfulSamplesRequired: 2
                    additionalLatency: 0ms
                  origins:
                    southindia:
                      weight: 10
                database:
                  replication: sync
                  failoverPolicy: automatic
                  gracePeriod: 30s
                objectives:
                  rto: 2m
                  rpo: 0s
                """;

        Topology topology = TopologyLoader.parse("shop.yaml", yaml);

        assertThat(topology.regions()).extracting(Region::id).containsExactly("centralindia", "southindia");
        assertThat(topology.primary().appInstances()).isEqualTo(2);
        assertThat(topology.secondary().appInstances()).isEqualTo(1);
        assertThat(topology.app().environment()).containsEntry("FEATURE_X", "on");
        assertThat(topology.frontDoor().probe().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(topology.frontDoor().probe().method()).isEqualTo(ProbeMethod.GET);
        assertThat(topology.frontDoor().loadBalancing().sampleSize()).isEqualTo(5);
        assertThat(topology.frontDoor().origin("southindia").weight()).isEqualTo(10);
        assertThat(topology.frontDoor().origin("southindia").priority()).isEqualTo(2);
        assertThat(topology.database().replication()).isEqualTo(ReplicationMode.SYNC);
        assertThat(topology.objectives().rto()).isEqualTo(Duration.ofMinutes(2));
        assertThat(topology.nonAzureSettings())
                .anyMatch(s -> s.contains("gracePeriod 30s"))
                .anyMatch(s -> s.contains("replication sync"));
    }

    @Test
    void backupsDefaultToAzuresSevenDaysAndTakeMinutesLocallyWithANote() {
        Topology defaults = TopologyLoader.parse("t.yaml", "name: shop\n");
        Topology rehearsal = TopologyLoader.parse("t.yaml", """
                backups:
                  retention: 30m
                  archiveTimeout: 5s
                  baseBackupInterval: 10m
                """);

        assertThat(defaults.backups()).isEqualTo(BackupSpec.defaults());
        assertThat(defaults.nonAzureSettings()).noneMatch(s -> s.startsWith("backups."));
        assertThat(rehearsal.backups())
                .isEqualTo(new BackupSpec(Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofMinutes(10)));
        assertThat(rehearsal.nonAzureSettings())
                .anyMatch(s -> s.contains("backups.retention 30m is shorter than Azure SQL's"))
                .anyMatch(s -> s.startsWith("backups.archiveTimeout 5s"))
                .anyMatch(s -> s.startsWith("backups.baseBackupInterval 10m"));
    }

    @Test
    void backupRetentionBeyondAzuresThirtyFiveDaysIsRefusedWithTheRange() {
        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", "backups:\n  retention: 36d\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("hadr.yaml:2:")
                .hasMessageContaining("36d is out of range; allowed: 1m to 35d");
        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", "backups:\n  archiveTimeout: 2h\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("2h is out of range; allowed: 1s to 1h");
    }

    @Test
    void unknownKeyIsNamedWithLineAndSuggestion() {
        String yaml = """
                name: shop
                regoins: []
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("hadr.yaml:2:")
                .hasMessageContaining("unknown key 'regoins' at the top level")
                .hasMessageContaining("did you mean 'regions'?");
    }

    @Test
    void unknownNestedKeyNamesItsSection() {
        String yaml = """
                frontDoor:
                  healthProbe:
                    intervall: 5s
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:3: unknown key 'intervall' in frontDoor.healthProbe")
                .hasMessageContaining("did you mean 'interval'?");
    }

    @Test
    void badDurationShowsValueAndHowToWriteOne() {
        String yaml = """
                objectives:
                  rto: 5 minutes
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:2: objectives.rto: '5 minutes' is not a duration")
                .hasMessageContaining("90s, 5m");
    }

    @Test
    void duplicateRegionIsRejected() {
        String yaml = """
                regions:
                  - id: centralindia
                    role: primary
                  - id: centralindia
                    role: secondary
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining(
                        "hadr.yaml:4: regions[1].id: 'centralindia' is already used by regions[0] (line 2)");
    }

    @Test
    void twoPrimariesAreRejected() {
        String yaml = """
                regions:
                  - id: centralindia
                    role: primary
                  - id: southindia
                    role: primary
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:5: regions[1].role: a second primary")
                .hasMessageContaining("regions[0] (line 3) already is");
    }

    @Test
    void priorityOutsideFrontDoorRangeIsRejected() {
        String yaml = """
                frontDoor:
                  origins:
                    southindia:
                      priority: 7
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:4: frontDoor.origins.southindia.priority: 7 is out of range")
                .hasMessageContaining("priority 1 to 5");
    }

    @Test
    void weightOutsideFrontDoorRangeIsRejected() {
        String yaml = """
                frontDoor:
                  origins:
                    centralindia:
                      weight: 0
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:4: frontDoor.origins.centralindia.weight: 0 is out of range")
                .hasMessageContaining("weight 1 to 1000");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = """
                strategy: hot-hot
                frontDoor:
                  loadBalancing:
                    sampleSize: 2
                    successfulSamplesRequired: 3
                """;

        TopologyException e = org.junit.jupiter.api.Assertions.assertThrows(
                TopologyException.class, () -> TopologyLoader.parse("hadr.yaml", yaml));

        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage())
                .contains(
                        "hadr.yaml:1: strategy: 'hot-hot' is not allowed; choose one of active-active, active-passive, warm-standby, cold-standby")
                .contains(
                        "hadr.yaml:5: frontDoor.loadBalancing.successfulSamplesRequired: 3 is more than sampleSize 2");
    }

    @Test
    void originOfUnknownRegionIsRejected() {
        String yaml = """
                frontDoor:
                  origins:
                    westeurope:
                      priority: 1
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("'westeurope' is not a region of this topology");
    }

    @Test
    void regionCountOtherThanTwoIsRejected() {
        String yaml = """
                regions:
                  - id: centralindia
                    role: primary
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:1: regions: has 1 region; hadr runs exactly two regions");
    }

    @Test
    void unknownRegionNeedsDisplayName() {
        String yaml = """
                regions:
                  - id: marsnorth
                    role: primary
                  - id: southindia
                    role: secondary
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("does not know the display name of region 'marsnorth'");
    }

    @Test
    void platformSettingsCannotBeOverridden() {
        String yaml = """
                app:
                  env:
                    REGION_NAME: Mars
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("'REGION_NAME' is set by the platform");
    }

    @Test
    void collidingLocalPortsAreRejected() {
        String yaml = """
                local:
                  endpointPort: 8101
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("appBasePort: 8101 collides with endpointPort 8101");
    }

    @Test
    void interRegionLatencyDefaultsToTenMillisecondsAndCanBeSet() {
        assertThat(TopologyLoader.builtIn().local().interRegionLatency()).isEqualTo(java.time.Duration.ofMillis(10));

        Topology topology = TopologyLoader.parse("hadr.yaml", """
                local:
                  interRegionLatency: 25ms
                """);

        assertThat(topology.local().interRegionLatency()).isEqualTo(java.time.Duration.ofMillis(25));
    }

    @Test
    void interRegionLatencyOutOfRangeOrNotADurationIsRejectedWithItsLine() {
        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", """
                name: linked
                local:
                  interRegionLatency: 11s
                """))
                .hasMessageContaining("hadr.yaml:3")
                .hasMessageContaining("interRegionLatency")
                .hasMessageContaining("11s is out of range; allowed: 0ms to 10s");
        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", """
                local:
                  interRegionLatency: fast
                """))
                .hasMessageContaining("hadr.yaml:2")
                .hasMessageContaining("'fast' is not a duration");
    }

    @Test
    void databasePortsIncludeTheListenersOfBothRegions() {
        String yaml = """
                local:
                  databaseBasePort: 9000
                  controlPort: 9005
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("controlPort: 9005 collides with databaseBasePort 9000 (which uses 9000–9005)");
    }

    @Test
    void notYamlNamesTheLine() {
        String yaml = "name: [unclosed\nstrategy: x\n";

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageStartingWith("hadr.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void duplicateKeyIsRejected() {
        String yaml = "name: a1\nname: b2\n";

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .hasMessageContaining("hadr.yaml:2: key 'name' appears twice");
    }

    @Test
    void missingFileSaysSo(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> TopologyLoader.load(missing)).hasMessageContaining("nope.yaml: no such file");
    }

    @Test
    void resolveUsesHadrYamlInWorkingDirectoryWhenPresent(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("hadr.yaml"), "name: from-file\n");

        assertThat(TopologyLoader.resolve(Optional.empty(), dir).name()).isEqualTo("from-file");
        assertThat(TopologyLoader.resolve(Optional.empty(), dir.resolve("elsewhere"))
                        .source())
                .isEqualTo("built-in topology");
    }

    @Test
    void exampleFileInRepositoryIsValid() {
        Path example = Path.of("..", "hadr.example.yaml");

        Topology topology = TopologyLoader.load(example);

        assertThat(topology.regions()).hasSize(2);
    }

    @Test
    void theBuiltInTopologyFitsItsConnectionBudgetWithRoomForHadrAndOperators() {
        ConnectionBudget budget = TopologyLoader.builtIn().connectionBudget();

        assertThat(budget.poolSize()).isEqualTo(10);
        assertThat(budget.maxConnections()).isEqualTo(100);
        assertThat(budget.appConnections()).isEqualTo(20);
        assertThat(budget.reservedConnections()).isEqualTo(10);
        assertThat(budget.fits()).isTrue();
        assertThat(budget.arithmetic())
                .isEqualTo(
                        "centralindia 1 × 10 + southindia 1 × 10 = 20 app connections, + 5 for hadr + 5 for operators = 30");
        assertThat(budget.withInstances("southindia", 10).required()).isEqualTo(120);
        assertThat(budget.withInstances("southindia", 10).fits()).isFalse();
    }

    @Test
    void aTopologyWhosePoolsCannotFitTheDatabaseIsRefusedWithTheArithmetic() {
        String yaml = """
                regions:
                  - id: centralindia
                    role: primary
                    appInstances: 3
                  - id: southindia
                    role: secondary
                    appInstances: 2
                app:
                  databasePoolSize: 10
                database:
                  maxConnections: 50
                """;

        assertThatThrownBy(() -> TopologyLoader.parse("hadr.yaml", yaml))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining(
                        "hadr.yaml:11: database.maxConnections: 50 sessions cannot hold what this topology "
                                + "needs: centralindia 3 × 10 + southindia 2 × 10 = 50 app connections, + 5 for hadr + 5 for "
                                + "operators = 60; raise database.maxConnections to at least 60, or lower app.databasePoolSize "
                                + "or the app instances");
    }

    @Test
    void poolSizeAndMaxConnectionsAreRead() {
        Topology topology =
                TopologyLoader.parse("t.yaml", "app:\n  databasePoolSize: 4\ndatabase:\n  maxConnections: 40\n");

        assertThat(topology.app().databasePoolSize()).isEqualTo(4);
        assertThat(topology.database().maxConnections()).isEqualTo(40);
        assertThat(topology.connectionBudget().required()).isEqualTo(18);
        assertThatThrownBy(() -> TopologyLoader.parse("t.yaml", "app:\n  databasePoolSize: 0\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("app.databasePoolSize: 0 is out of range; allowed: 1 to 100");
    }
}
