package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GeoDbConfigTest {

    private static GeoDbConfig.Builder valid() {
        return GeoDbConfig.custom()
                .dataRoot(Path.of("/var/tmp/hadr-test"))
                .server("centralindia", 0)
                .server("southindia", 0);
    }

    @Test
    void shouldApplyAzureLikeDefaults() {
        GeoDbConfig config = valid().build();

        assertThat(config.initialPrimary()).isEqualTo("centralindia");
        assertThat(config.replicationMode()).isEqualTo(ReplicationMode.ASYNC);
        assertThat(config.readWriteEndpoint()).isEqualTo(ReadWriteEndpoint.manual());
        assertThat(config.readWriteEndpoint().gracePeriod()).isNull();
        assertThat(config.listeners()).isEqualTo(new ListenerSettings(0, 0, Duration.ofSeconds(5)));
        assertThat(config.database()).isEqualTo(new AppDatabase("hadr", "hadr", "hadr"));
        assertThat(config.timeouts())
                .isEqualTo(new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30)));
        assertThat(config.healthChecks()).isEqualTo(new HealthChecks(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(config.selfHealing().enabled()).isTrue();
        assertThat(config.connections()).isEqualTo(new ConnectionLimits(50, 10));
        assertThat(config.unprivilegedUser()).isEqualTo("nobody");
    }

    @Test
    void shouldGroupTheFailoverPolicyLikeAzuresReadWriteEndpoint() {
        assertThat(ReadWriteEndpoint.automatic(Duration.ofMinutes(5)).gracePeriod())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(ReadWriteEndpoint.automatic(Duration.ofMinutes(5))).hasToString("automatic after PT5M");
        assertThatThrownBy(() -> new ReadWriteEndpoint(FailoverPolicy.MANUAL, Duration.ofMinutes(90)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a grace period applies only to the automatic failover policy (Azure refuses one with "
                        + "Manual), but the manual policy was given PT1H30M");
        assertThatThrownBy(() -> new ReadWriteEndpoint(FailoverPolicy.AUTOMATIC, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("needs a grace period");
        assertThatThrownBy(() -> ReadWriteEndpoint.automatic(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was PT-1S");
        // Azure's 60-minute minimum is the topology's to report, not a validity rule of the library.
        assertThat(valid().readWriteEndpoint(ReadWriteEndpoint.automatic(Duration.ofSeconds(30)))
                        .build()
                        .failoverPolicy())
                .isEqualTo(FailoverPolicy.AUTOMATIC);
    }

    @Test
    void shouldRejectBadValuesWithTheValueInTheMessage() {
        assertThatThrownBy(() -> valid().server("West India", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'West India'");
        assertThatThrownBy(() -> valid().server("eastasia", 80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "port of server 'eastasia' must be 0 (any free port) or between 1024 and 65535, but was 80");
        assertThatThrownBy(() -> valid().server("centralindia", 5433))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'centralindia' was given twice");
        assertThatThrownBy(() -> valid().readWriteListenerPort(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 70000");
        assertThatThrownBy(() -> valid().plannedFailoverTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plannedFailoverTimeout must be between PT0.1S and PT1H, but was PT0S");
        assertThatThrownBy(() -> valid().user("postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 'postgres'");
        assertThatThrownBy(() -> valid().databaseName("My-DB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 'My-DB'");
        assertThatThrownBy(() -> valid().password(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but had length 0");
        assertThatThrownBy(() -> valid().maxConnections(5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConnections must be between 10 and 10000, but was 5");
        assertThatThrownBy(() -> valid().responseTimeout(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number of seconds");
        assertThatThrownBy(() -> valid().setting("port", "5432"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setting 'port' is managed by hadr and cannot be set, but was '5432'");
        assertThatThrownBy(() -> valid().setting("superuser_reserved_connections", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("managed by hadr");
        assertThatThrownBy(() -> valid().unprivilegedUser("root"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 'root'");
        assertThatThrownBy(() -> new SelfHealing(true, 0, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRestarts must be between 1 and 100, but was 0");
    }

    @Test
    void shouldFailFastOnContradictions() {
        assertThatThrownBy(
                        () -> GeoDbConfig.custom().server("a", 0).server("b", 0).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dataRoot is required");
        assertThatThrownBy(() -> GeoDbConfig.custom()
                        .dataRoot(Path.of("/tmp/x"))
                        .server("a", 0)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exactly 2 servers")
                .hasMessageContaining("1 were given");
        assertThatThrownBy(() -> valid().initialPrimary("westindia").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("but was 'westindia'");
        assertThatThrownBy(() -> GeoDbConfig.custom()
                        .dataRoot(Path.of("/tmp/x"))
                        .server("a", 5433)
                        .server("b", 0)
                        .readOnlyListenerPort(5433)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("readOnlyListenerPort uses port 5433");
        assertThatThrownBy(() -> valid().maxConnections(12).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("reservedConnections must be between 1 and maxConnections - 5 (7), leaving the application "
                        + "at least 5, but was 10 (maxConnections 12)");
        assertThatThrownBy(() ->
                        new SelfHealing(true, 3, Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff must be between PT10S");
    }

    @Test
    void shouldDoubleTheSelfHealingBackoffUpToItsMaximum() {
        SelfHealing healing =
                new SelfHealing(true, 5, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThat(healing.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(healing.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(healing.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(healing.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(healing.backoff(60)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldPrintEverySettingButThePassword() {
        GeoDbConfig config = valid().password("t0p-secret")
                .maxConnections(120)
                .reservedConnections(10)
                .readWriteEndpoint(ReadWriteEndpoint.automatic(Duration.ofHours(2)))
                .build();

        assertThat(config.toString())
                .doesNotContain("t0p-secret")
                .contains("readWriteEndpoint=automatic after PT2H")
                .contains("ConnectionLimits[maxConnections=120, reservedConnections=10]")
                .contains("Timeouts[startup=PT1M")
                .contains("HealthChecks[interval=PT1S, responseTimeout=PT2S]")
                .contains("SelfHealing[enabled=true")
                .contains("ListenerSettings[readWritePort=0, readOnlyPort=0, holdTimeout=PT5S]")
                .contains("AppDatabase[name=hadr, user=hadr, password=(hidden)]")
                .contains("unprivilegedUser=nobody");
    }
}
