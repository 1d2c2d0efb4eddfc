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

class ResumeIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldResumeWithTheSameRolesDataAndAddressesAfterClose() throws Exception {
        GeoDbConfig config = GeoDbHarness.config(tempDir).build();
        ListenerEndpoint readWrite;
        ListenerEndpoint readOnly;
        Set<Long> committed;
        long[] pids;
        try (GeoDatabase db = new GeoDatabase(config)) {
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1, 2, 3);
            db.failover();
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 4, 5);
            committed = GeoDbHarness.ids(db.readWriteListener().jdbcUrl());
            readWrite = db.readWriteListener();
            readOnly = db.readOnlyListener();
            pids = db.status().servers().stream().mapToLong(ServerStatus::pid).toArray();
        }
        for (long pid : pids) {
            assertThat(GeoDbHarness.alive(pid))
                    .as("postgres %d after close", pid)
                    .isFalse();
        }

        try (GeoDatabase db = new GeoDatabase(config)) {
            db.start();

            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.secondary()).isEqualTo(CENTRAL);
            assertThat(db.readWriteListener()).isEqualTo(readWrite);
            assertThat(db.readOnlyListener()).isEqualTo(readOnly);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl()))
                    .isEqualTo(committed)
                    .hasSize(5);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    GeoDbHarness.ids(db.readOnlyListener().jdbcUrl()))
                            .isEqualTo(committed));
            assertThat(db.status().server(SOUTH).timeline()).isEqualTo(2);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 6);
        }
    }

    @Test
    void shouldNeverStartAFencedPrimaryAsPrimaryAfterARestartOfTheLibrary() throws Exception {
        GeoDbConfig config = GeoDbHarness.config(tempDir).build();
        try (GeoDatabase db = new GeoDatabase(config)) {
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> GeoDbHarness.idsOn(db, SOUTH).contains(1L));
            db.kill(CENTRAL);
            db.failover(FailoverMode.FORCED);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 2);
        }

        try (GeoDatabase db = new GeoDatabase(config)) {
            db.start();

            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.SECONDARY);
            assertThat(GeoDbHarness.inRecovery("jdbc:postgresql://127.0.0.1:" + db.port(CENTRAL) + "/hadr"))
                    .isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(GeoDbHarness.idsOn(db, CENTRAL)).containsExactlyInAnyOrder(1L, 2L));
        }
    }
}
