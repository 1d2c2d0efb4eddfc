package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverReportTest {

    @Test
    void shouldSummarisePhasesWithCumulativeSeconds() {
        FailoverReport report = new FailoverReport(
                FailoverMode.PLANNED,
                FailoverMode.PLANNED,
                "centralindia",
                "southindia",
                Instant.EPOCH,
                List.of(
                        new FailoverReport.Phase(FailoverPhase.WRITES_STOPPED, Duration.ofMillis(20)),
                        new FailoverReport.Phase(FailoverPhase.SECONDARY_CAUGHT_UP, Duration.ofMillis(310)),
                        new FailoverReport.Phase(FailoverPhase.PROMOTED, Duration.ofMillis(450)),
                        new FailoverReport.Phase(FailoverPhase.LISTENERS_MOVED, Duration.ofMillis(460))),
                false,
                null,
                "operator");

        assertThat(report.summary())
                .isEqualTo(
                        "writes stopped 0.02 s, secondary caught up 0.31 s, promoted 0.45 s, listeners moved 0.46 s");
        assertThat(report.total()).isEqualTo(Duration.ofMillis(460));
        assertThat(report.phase(FailoverPhase.PROMOTED)).contains(Duration.ofMillis(450));
        assertThat(report.phase("promoted")).contains(Duration.ofMillis(450));
        assertThat(report.phase(FailoverPhase.OLD_PRIMARY_FENCED)).isEmpty();
        assertThat(report.phases())
                .extracting(FailoverReport.Phase::name)
                .first()
                .isEqualTo("writes stopped");
    }

    @Test
    void shouldBuildJdbcUrlsForAListener() {
        ListenerEndpoint endpoint = new ListenerEndpoint(GeoDatabase.READ_WRITE, "127.0.0.1", 15432, "hadr");

        assertThat(endpoint.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/hadr");
        assertThat(endpoint.jdbcUrl("connectTimeout=3"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:15432/hadr?connectTimeout=3");
        assertThat(endpoint.address()).isEqualTo("127.0.0.1:15432");
    }
}
