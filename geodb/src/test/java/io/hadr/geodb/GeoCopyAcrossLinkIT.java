package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.internal.backup.WalFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Geo-copies of the backups are inter-region traffic: while the link is partitioned nothing of
 * the primary's store reaches the other region's (the geo-copy lag grows and status says the
 * copy waits on the link), and after the heal the other store catches up by itself.
 */
class GeoCopyAcrossLinkIT {

    private static final String WAITING = "nothing has crossed the inter-region link";

    @TempDir
    Path tempDir;

    @Test
    void shouldHoldGeoCopiesWhileTheLinkIsPartitionedAndCatchUpAfterTheHeal() throws Exception {
        GeoDbConfig config = GeoDbHarness.config(tempDir).build();
        try (GeoDatabase db = new GeoDatabase(config)) {
            db.start();
            GeoDbHarness.createTable(db);
            String url = db.readWriteListener().jdbcUrl();
            GeoDbHarness.insert(url, 1, 2, 3);
            db.mark("before-partition");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> newestSegment(db, GeoDbHarness.SOUTH) >= newestSegment(db, GeoDbHarness.CENTRAL));
            long lastBeforePartition = newestSegment(db, GeoDbHarness.SOUTH);

            db.link().partition();
            GeoDbHarness.insert(url, 4, 5, 6);
            assertThat(db.mark("during-partition-1").archived()).isTrue();
            GeoDbHarness.insert(url, 7, 8, 9);
            assertThat(db.mark("during-partition-2").archived()).isTrue();
            assertThat(newestSegment(db, GeoDbHarness.CENTRAL)).isGreaterThan(lastBeforePartition);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> status(db).problems().stream().anyMatch(p -> p.contains(WAITING)));
            BackupStatus waiting = status(db);
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> newestSegment(db, GeoDbHarness.SOUTH) == lastBeforePartition);
            BackupStatus laterStill = status(db);

            assertThat(waiting.geoCopyLagBytes()).isPositive();
            assertThat(laterStill.geoCopyLagBytes()).isPositive();
            assertThat(laterStill.geoCopyLagMillis()).isGreaterThan(waiting.geoCopyLagMillis());
            assertThat(laterStill.problems())
                    .anyMatch(p ->
                            p.contains("geo-copy from '" + GeoDbHarness.CENTRAL + "' to '" + GeoDbHarness.SOUTH + "'")
                                    && p.contains(WAITING));

            db.link().heal();

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(newestSegment(db, GeoDbHarness.SOUTH))
                        .isGreaterThanOrEqualTo(newestSegment(db, GeoDbHarness.CENTRAL));
                BackupStatus healed = status(db);
                assertThat(healed.geoCopyLagBytes()).isZero();
                assertThat(healed.problems()).noneMatch(p -> p.contains(WAITING));
            });
        }
    }

    private static BackupStatus status(GeoDatabase db) {
        return db.backupStatus();
    }

    /** The newest WAL segment in a region's store (either form). */
    private static long newestSegment(GeoDatabase db, String region) throws Exception {
        Path wal = db.backupService().storeRoot().resolve(region).resolve("g1").resolve("wal");
        try (Stream<Path> files = Files.list(wal)) {
            return files.map(p -> WalFile.parse(p.getFileName().toString()))
                    .flatMap(java.util.Optional::stream)
                    .filter(WalFile::isSegment)
                    .mapToLong(WalFile::segno)
                    .max()
                    .orElse(-1);
        }
    }
}
