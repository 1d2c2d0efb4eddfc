package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.NavigableSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynchronousReplicationIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldLoseNoAcknowledgedWriteInAForcedFailoverWhenSynchronous() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir)
                .replicationMode(ReplicationMode.SYNC)
                .build())) {
            db.start();
            GeoDbHarness.createTable(db);
            // On within one health check of the primary seeing the secondary as streaming.
            await().atMost(Duration.ofSeconds(30)).until(() -> db.status().synchronousCommit());
            NavigableSet<Long> acknowledged;
            try (Writer writer = new Writer(db.readWriteListener().jdbcUrl(), 1)) {
                writer.awaitMore(300, Duration.ofSeconds(60));

                db.kill(CENTRAL);
                acknowledged = new java.util.TreeSet<>(writer.acknowledged());
                db.failover(FailoverMode.FORCED);
                writer.awaitMore(50, Duration.ofSeconds(60));
            }

            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).containsAll(acknowledged);
            assertThat(db.status().synchronousCommit()).isFalse();
        }
    }

    @Test
    void shouldCommitAloneWhileTheSecondaryIsDownAndWaitForItAgainWhenItReturns() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir)
                .replicationMode(ReplicationMode.SYNC)
                .build())) {
            db.start();
            GeoDbHarness.createTable(db);
            // On within one health check of the primary seeing the secondary as streaming.
            await().atMost(Duration.ofSeconds(30)).until(() -> db.status().synchronousCommit());

            db.kill(SOUTH);

            assertThat(db.status().synchronousCommit()).isFalse();
            // A commit waiting for the missing secondary would hang until the client's 20 s socket
            // timeout and fail: that these inserts return is the proof, however slow the machine.
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1, 2);
            assertThat(db.status().readOnlyTarget()).isNull();

            db.bringUp(SOUTH);

            await().atMost(Duration.ofSeconds(30)).until(() -> db.status().synchronousCommit());
            assertThat(db.status().readOnlyTarget()).isEqualTo(SOUTH);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 3);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(GeoDbHarness.idsOn(db, SOUTH)).containsExactlyInAnyOrder(1L, 2L, 3L));
        }
    }
}
