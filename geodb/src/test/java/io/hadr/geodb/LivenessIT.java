package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lag and liveness when they matter: a secondary that stops answering. */
class LivenessIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldKeepMeasuringLagOnThePrimaryAndShowAStoppedSecondaryAsUnresponsive() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir)
                .responseTimeout(Duration.ofSeconds(1))
                .build())) {
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Long.valueOf(0).equals(db.status().replicationLagBytes()));
            long pid = db.status().server(SOUTH).pid();
            java.util.List<Long> southProcesses = Signals.tree(pid);

            Signals.send(southProcesses, "STOP");
            try {
                GeoDbHarness.insert(
                        db.readWriteListener().jdbcUrl(),
                        GeoDbHarness.range(2, 200).stream()
                                .mapToLong(Long::longValue)
                                .toArray());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> db.status().server(SOUTH).state() == ServerState.UNRESPONSIVE);
                GeoDbStatus stopped = db.status();
                assertThat(stopped.server(SOUTH).state()).isEqualTo(ServerState.UNRESPONSIVE);
                assertThat(stopped.server(SOUTH).pid()).isEqualTo(pid);
                assertThat(stopped.server(SOUTH).error()).contains("did not answer");
                assertThat(stopped.replicationLagBytes()).isPositive();
                long lagBefore = stopped.replicationLagBytes();

                // Past the primary's wal_sender_timeout its connection to the secondary is gone;
                // the lag still comes from the secondary's replication slot, and grows.
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    ReplicationStatus r = db.status().replication();
                    return r != null && !r.connected();
                });
                GeoDbHarness.insert(
                        db.readWriteListener().jdbcUrl(),
                        GeoDbHarness.range(200, 400).stream()
                                .mapToLong(Long::longValue)
                                .toArray());
                GeoDbStatus later = db.status();
                assertThat(later.replicationLagBytes()).isGreaterThan(lagBefore);
                assertThat(later.replication().flushLsn()).isNotNull();
                assertThat(later.replication().lastReplyAt()).isNotNull();
                assertThat(later.replication().sinceLastReply()).isGreaterThan(Duration.ofSeconds(1));
                assertThat(later.replicationLagMillis()).isGreaterThan(1000L);
                assertThat(later.server(SOUTH).state()).isEqualTo(ServerState.UNRESPONSIVE);
                assertThat(later.server(CENTRAL).state()).isEqualTo(ServerState.RUNNING);
                assertThat(later.state()).isEqualTo(GroupState.DEGRADED);
            } finally {
                Signals.send(southProcesses, "CONT");
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                GeoDbStatus status = db.status();
                assertThat(status.server(SOUTH).state()).isEqualTo(ServerState.RUNNING);
                assertThat(status.replicationLagBytes()).isZero();
                assertThat(status.replication().connected()).isTrue();
            });
            assertThat(GeoDbHarness.idsOn(db, SOUTH)).hasSize(399);
        }
    }
}
