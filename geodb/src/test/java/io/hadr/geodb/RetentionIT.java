package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.geodb.backup.BackupSettings;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.RestoreRefusedException;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import io.hadr.geodb.internal.backup.WalFile;
import io.hadr.toolkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention window removes what it may and keeps what a restore anywhere in it needs. */
class RetentionIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldRemoveOnlyWhatNoRestoreInsideTheWindowNeeds() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        GeoDbConfig config = GeoDbHarness.config(tempDir)
                .clock(clock)
                .backups(BackupSettings.DEFAULT.withRetention(Duration.ofMinutes(1)))
                .build();
        try (GeoDatabase db = new GeoDatabase(config)) {
            db.start();
            GeoDbHarness.createTable(db);
            String url = db.readWriteListener().jdbcUrl();
            GeoDbHarness.insert(url, ids(1, 50));
            BaseBackupInfo second = db.backup(ProgressListener.NONE);
            GeoDbHarness.insert(url, ids(100, 150));
            NavigableMap<Long, Instant> beforeThird = BackupHarness.rows(url);
            BaseBackupInfo third = db.backup(ProgressListener.NONE);
            GeoDbHarness.insert(url, ids(200, 250));
            List<String> backupsBefore = backupIds(db);
            assertThat(backupsBefore).hasSize(3);

            // The window starts just before the second backup ended: the first must stay.
            clock.set(Instant.parse(second.stoppedAt().toString())
                    .plus(Duration.ofMinutes(1))
                    .minusSeconds(1));
            db.backupService().applyRetention();
            assertThat(backupIds(db)).containsExactlyElementsOf(backupsBefore);

            // The window starts after the third backup ended: it anchors the window; older ones go.
            clock.set(Instant.now().plus(Duration.ofMinutes(2)));
            db.backupService().applyRetention();
            Thread.sleep(3_000); // a geo-copy pass or two: nothing removed comes back
            db.backupService().applyRetention();

            assertThat(backupIds(db)).containsOnly(third.id());
            long firstKept = WalFile.segnoOf(io.hadr.geodb.internal.Lsn.parse(third.startLsn()));
            for (String region : List.of(GeoDbHarness.CENTRAL, GeoDbHarness.SOUTH)) {
                assertThat(segments(db, region))
                        .allMatch(f -> f.segno() >= firstKept)
                        .isNotEmpty();
            }
            Instant inRemovedPart = BackupHarness.between(beforeThird.headMap(150L, false), 0.5);
            assertThatThrownBy(() -> db.restore(
                            new RestoreRequest(new RestoreTarget.AtTime(inRemovedPart), "gone", null),
                            ProgressListener.NONE))
                    .isInstanceOf(RestoreRefusedException.class)
                    .hasMessageContaining("before the earliest restore point");
            NavigableMap<Long, Instant> all = BackupHarness.rows(url);
            Instant kept = BackupHarness.between(all.tailMap(200L, true), 0.5);
            RestoreResult restored =
                    db.restore(new RestoreRequest(new RestoreTarget.AtTime(kept), "kept", null), ProgressListener.NONE);
            BackupHarness.assertRestoredExactly(db, restored, all, kept);
        }
    }

    private static long[] ids(long from, long to) {
        return GeoDbHarness.range(from, to).stream().mapToLong(Long::longValue).toArray();
    }

    private static List<String> backupIds(GeoDatabase db) {
        return db.backups().baseBackups().stream()
                .map(BaseBackupInfo::id)
                .distinct()
                .sorted()
                .toList();
    }

    private static List<WalFile> segments(GeoDatabase db, String region) throws Exception {
        Path wal = db.backupService().storeRoot().resolve(region).resolve("g1").resolve("wal");
        try (Stream<Path> files = Files.list(wal)) {
            return files.map(p -> WalFile.parse(p.getFileName().toString()))
                    .flatMap(java.util.Optional::stream)
                    .filter(WalFile::isSegment)
                    .toList();
        }
    }
}
