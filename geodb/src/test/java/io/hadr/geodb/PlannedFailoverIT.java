package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannedFailoverIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldLoseNoAcknowledgedWriteInPlannedFailoversUnderLoad() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            FailoverReport there;
            FailoverReport back;
            Set<Long> acknowledged;
            try (Writer writer = new Writer(db.readWriteListener().jdbcUrl(), 1)) {
                writer.awaitMore(200, Duration.ofSeconds(60));

                there = db.failover(
                        FailoverMode.PLANNED,
                        (step, at) -> System.out.printf("planned failover: %s %.3f s%n", step, at.toNanos() / 1e9));
                writer.awaitMore(200, Duration.ofSeconds(60));
                back = db.failover(FailoverMode.PLANNED, ProgressListener.NONE);
                writer.awaitMore(200, Duration.ofSeconds(60));

                writer.close();
                acknowledged = writer.acknowledged();
                System.out.printf("writer: %d acknowledged, %d failed attempts%n", writer.count(), writer.failures());
            }

            System.out.println(there);
            System.out.println(back);
            assertThat(there.performed()).isEqualTo(FailoverMode.PLANNED);
            assertThat(there.oldPrimary()).isEqualTo(CENTRAL);
            assertThat(there.newPrimary()).isEqualTo(SOUTH);
            assertThat(there.dataLossPossible()).isFalse();
            assertThat(there.phases())
                    .extracting(FailoverReport.Phase::name)
                    .containsExactly(
                            "writes stopped",
                            "secondary caught up",
                            "old primary stopped",
                            "promoted",
                            "listeners moved",
                            "old primary rejoined as secondary");
            assertThat(back.newPrimary()).isEqualTo(CENTRAL);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).containsAll(acknowledged);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    GeoDbHarness.ids(db.readOnlyListener().jdbcUrl()))
                            .containsAll(acknowledged));
            GeoDbStatus status = db.status();
            assertThat(status.primary()).isEqualTo(CENTRAL);
            assertThat(status.secondary()).isEqualTo(SOUTH);
            assertThat(status.readWriteTarget()).isEqualTo(CENTRAL);
            assertThat(status.readOnlyTarget()).isEqualTo(SOUTH);
            assertThat(status.server(CENTRAL).timeline()).isEqualTo(3);
            assertThat(status.server(SOUTH).streaming()).isTrue();
            assertThat(status.lastFailover()).isEqualTo(back);
            assertThat(status.state()).isEqualTo(GroupState.STEADY);

            // A secondary that does not stream shows the timeline it replays, not its last checkpoint's.
            db.kill(CENTRAL);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Boolean.FALSE.equals(db.status().server(SOUTH).streaming()));
            assertThat(db.status().server(SOUTH).timeline()).isEqualTo(3);
        }
    }
}
