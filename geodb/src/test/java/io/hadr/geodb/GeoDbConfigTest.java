package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GeoDbConfigTest {

    private static GeoDbConfig.Builder valid() {
        return GeoDbConfig.custom().dataRoot(Path.of("/var/tmp/hadr-test")).server("centralindia", 0).server("southindia", 0);
    }

    @Test
    void shouldApplyAzureLikeDefaults() {
        GeoDbConfig config = valid().build();

        assertThat(config.initialPrimary()).isEqualTo("centralindia");
        assertThat(config.replicationMode()).isEqualTo(ReplicationMode.ASYNC);
        assertThat(config.failoverPolicy()).isEqualTo(FailoverPolicy.MANUAL);
        assertThat(config.failoverGracePeriod()).isEqualTo(Duration.ofMinutes(60));
        assertThat(config.readWriteListenerPort()).isZero();
        assertThat(config.readOnlyListenerPort()).isZero();
        assertThat(config.databaseName()).isEqualTo("hadr");
        assertThat(config.user()).isEqualTo("hadr");
        assertThat(config.plannedFailoverTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.listenerHoldTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxConnections()).isEqualTo(50);
        assertThat(config.unprivilegedUser()).isEqualTo("nobody");
        assertThat(config.nonAzureDeviations()).isEmpty();
    }

    @Test
    void shouldRejectBadValuesWithTheValueInTheMessage() {
        assertThatThrownBy(() -> valid().server("West India", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'West India'");
        assertThatThrownBy(() -> valid().server("eastasia", 80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port of server 'eastasia' must be 0 (any free port) or between 1024 and 65535, but was 80");
        assertThatThrownBy(() -> valid().server("centralindia", 5433))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'centralindia' was given twice");
        assertThatThrownBy(() -> valid().readWriteListenerPort(70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 70000");
        assertThatThrownBy(() -> valid().plannedFailoverTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plannedFailoverTimeout must be between PT0.1S and PT1H, but was PT0S");
        assertThatThrownBy(() -> valid().failoverGracePeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT-1S");
        assertThatThrownBy(() -> valid().user("postgres"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 'postgres'");
        assertThatThrownBy(() -> valid().databaseName("My-DB"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 'My-DB'");
        assertThatThrownBy(() -> valid().password(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but had length 0");
        assertThatThrownBy(() -> valid().maxConnections(5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 5");
        assertThatThrownBy(() -> valid().setting("port", "5432"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setting 'port' is managed by hadr and cannot be set, but was '5432'");
        assertThatThrownBy(() -> valid().unprivilegedUser("root"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 'root'");
    }

    @Test
    void shouldFailFastOnContradictions() {
        assertThatThrownBy(() -> GeoDbConfig.custom().server("a", 0).server("b", 0).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dataRoot is required");
        assertThatThrownBy(() -> GeoDbConfig.custom().dataRoot(Path.of("/tmp/x")).server("a", 0).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly 2 servers").hasMessageContaining("1 were given");
        assertThatThrownBy(() -> valid().initialPrimary("westindia").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("but was 'westindia'");
        assertThatThrownBy(() -> valid().failoverGracePeriod(Duration.ofMinutes(90)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("failoverGracePeriod PT1H30M applies only to failoverPolicy AUTOMATIC, but the policy is MANUAL");
        assertThatThrownBy(() -> valid().failoverPolicy(FailoverPolicy.AUTOMATIC).failoverGracePeriod(Duration.ofMinutes(5)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("failoverGracePeriod must be at least PT1H (Azure's minimum) unless allowNonAzureGracePeriod(true) "
                        + "is set, but was PT5M");
        assertThatThrownBy(() -> GeoDbConfig.custom().dataRoot(Path.of("/tmp/x")).server("a", 5433).server("b", 0)
                .readOnlyListenerPort(5433).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("readOnlyListenerPort uses port 5433");
    }

    @Test
    void shouldReportAShortGracePeriodAndSynchronousModeAsNonAzure() {
        GeoDbConfig config = valid().failoverPolicy(FailoverPolicy.AUTOMATIC).failoverGracePeriod(Duration.ofSeconds(30))
                .allowNonAzureGracePeriod(true).replicationMode(ReplicationMode.SYNC).build();

        assertThat(config.nonAzureDeviations()).containsExactly(
                "failoverGracePeriod PT30S is below Azure's minimum of 60 minutes",
                "replicationMode SYNC: Azure SQL geo-replication is asynchronous");
    }

    @Test
    void shouldAcceptTheAzureMinimumGracePeriodWithoutTheNonAzureFlag() {
        GeoDbConfig config = valid().failoverPolicy(FailoverPolicy.AUTOMATIC).failoverGracePeriod(Duration.ofMinutes(60)).build();

        assertThat(config.failoverGracePeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(config.nonAzureDeviations()).isEmpty();
    }
}
