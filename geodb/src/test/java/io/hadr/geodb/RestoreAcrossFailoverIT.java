package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import io.hadr.geodb.backup.StoreStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores across a failover (a target before it and one after it, both from the new primary's
 * store), and a geo-restore from the other region's store while the primary's region is down.
 */
class RestoreAcrossFailoverIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldRestoreBeforeAndAfterAFailoverAndFromTheOtherRegionWithThePrimaryRegionDown() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            String url = db.readWriteListener().jdbcUrl();
            Instant failoverBegan;
            Instant failoverEnded;
            try (Writer writer = new Writer(url, 1)) {
                writer.awaitMore(200, Duration.ofSeconds(60));
                failoverBegan = Instant.now();
                db.failover(FailoverMode.PLANNED, (step, at) -> System.out.printf("failover: %s%n", step));
                failoverEnded = Instant.now();
                writer.awaitMore(200, Duration.ofSeconds(60));
            }
            NavigableMap<Long, Instant> all = BackupHarness.rows(url);
            Instant before = BackupHarness.between(before(all, failoverBegan), 0.5);
            Instant after = BackupHarness.between(after(all, failoverEnded), 0.5);

            RestoreResult toBefore = db.restore(
                    new RestoreRequest(new RestoreTarget.AtTime(before), "before-failover", null),
                    (step, at) -> System.out.printf("restore before: %s%n", step));
            RestoreResult toAfter = db.restore(
                    new RestoreRequest(new RestoreTarget.AtTime(after), "after-failover", null),
                    (step, at) -> System.out.printf("restore after: %s%n", step));

            assertThat(toBefore.region()).isEqualTo(SOUTH);
            BackupHarness.assertRestoredExactly(db, toBefore, all, before);
            BackupHarness.assertRestoredExactly(db, toAfter, all, after);

            // Geo-restore: the old primary (now the secondary) archives what it receives; once its
            // store holds the target, the primary's whole region may go.
            GeoDbHarness.insert(
                    url,
                    GeoDbHarness.range(500_000, 500_050).stream()
                            .mapToLong(Long::longValue)
                            .toArray());
            NavigableMap<Long, Instant> now = BackupHarness.rows(url);
            Instant geoTarget = BackupHarness.between(now.tailMap(500_000L, true), 0.5);
            db.sql("SELECT pg_current_xact_id()");
            db.sql("SELECT pg_switch_wal()");
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                StoreStatus central = db.backups().stores().stream()
                        .filter(s -> s.region().equals(CENTRAL))
                        .findFirst()
                        .orElseThrow();
                assertThat(central.latestRestorePoint())
                        .isAfter(geoTarget)
                        .isAfterOrEqualTo(java.util.Collections.max(now.values()));
            });
            db.kill(SOUTH);

            RestoreResult geo = db.restore(
                    new RestoreRequest(new RestoreTarget.AtTime(geoTarget), "geo", CENTRAL),
                    (step, at) -> System.out.printf("geo-restore: %s%n", step));

            RestoreResult latest = db.restore(
                    new RestoreRequest(new RestoreTarget.Latest(), "geo-latest", CENTRAL),
                    (step, at) -> System.out.printf("geo-restore latest: %s%n", step));

            assertThat(geo.region()).isEqualTo(CENTRAL);
            BackupHarness.assertRestoredExactly(db, geo, now, geoTarget);
            assertThat(latest.region()).isEqualTo(CENTRAL);
            assertThat(BackupHarness.rowsOn(db, latest.port()))
                    .as("everything the other region's store holds")
                    .containsExactlyEntriesOf(now);
        }
    }

    private static NavigableMap<Long, Instant> before(NavigableMap<Long, Instant> rows, Instant t) {
        NavigableMap<Long, Instant> out = new java.util.TreeMap<>();
        rows.forEach((id, at) -> {
            if (at.isBefore(t)) {
                out.put(id, at);
            }
        });
        return out;
    }

    private static NavigableMap<Long, Instant> after(NavigableMap<Long, Instant> rows, Instant t) {
        NavigableMap<Long, Instant> out = new java.util.TreeMap<>();
        rows.forEach((id, at) -> {
            if (at.isAfter(t)) {
                out.put(id, at);
            }
        });
        return out;
    }
}
