package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldReplicateWritesToTheReadableSecondary() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start((step, at) -> System.out.printf("start: %s %.2f s%n", step, at.toMillis() / 1000.0));
            GeoDbHarness.createTable(db);

            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1, 2, 3);

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    GeoDbHarness.ids(db.readOnlyListener().jdbcUrl()))
                            .containsExactlyInAnyOrder(1L, 2L, 3L));
            assertThat(GeoDbHarness.inRecovery(db.readOnlyListener().jdbcUrl())).isTrue();
            assertThat(GeoDbHarness.inRecovery(db.readWriteListener().jdbcUrl()))
                    .isFalse();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                GeoDbStatus status = db.status();
                assertThat(status.replicationLagBytes()).isZero();
                assertThat(status.replicationLagMillis()).isZero();
            });
            GeoDbStatus status = db.status();
            assertThat(status.primary()).isEqualTo(CENTRAL);
            assertThat(status.secondary()).isEqualTo(SOUTH);
            assertThat(status.readWriteTarget()).isEqualTo(CENTRAL);
            assertThat(status.readOnlyTarget()).isEqualTo(SOUTH);
            assertThat(status.server(CENTRAL).timeline()).isEqualTo(1);
            assertThat(status.server(SOUTH).streaming()).isTrue();
            assertThat(status.server(SOUTH).replayLsn()).isNotNull();
            assertThat(status.state()).isEqualTo(GroupState.STEADY);
            System.out.println(status);
        }
    }

    @Test
    void shouldRefuseWritesThroughTheReadOnlyListener() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() ->
                            GeoDbHarness.ids(db.readOnlyListener().jdbcUrl()).isEmpty());

            assertThatThrownBy(() -> GeoDbHarness.insert(db.readOnlyListener().jdbcUrl(), 7))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only transaction");
        }
    }
}
