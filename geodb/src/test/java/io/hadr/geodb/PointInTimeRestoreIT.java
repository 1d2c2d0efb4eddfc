package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoreRefusedException;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import io.hadr.geodb.backup.StoreStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Point-in-time restores of a live group with writes flowing: exact to the transaction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PointInTimeRestoreIT {

    private GeoDatabase db;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        db = new GeoDatabase(GeoDbHarness.config(tempDir).build());
        db.start((step, at) -> System.out.printf("start: %s %.1f s%n", step, at.toMillis() / 1e3));
        GeoDbHarness.createTable(db);
    }

    @AfterAll
    void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void shouldRestoreEveryCommitAtOrBeforeTheTargetAndNoneAfterWhileWritesFlow() throws Exception {
        NavigableMap<Long, Instant> all;
        RestoreResult result;
        Instant target;
        try (Writer writer = new Writer(db.readWriteListener().jdbcUrl(), 1_000_000)) {
            writer.awaitMore(300, Duration.ofSeconds(60));
            all = BackupHarness.rows(db.readWriteListener().jdbcUrl());
            target = BackupHarness.between(all, 0.5);

            result = db.restore(
                    new RestoreRequest(new RestoreTarget.AtTime(target), "at-t", null),
                    (step, at) -> System.out.printf("restore: %s %.1f s%n", step, at.toMillis() / 1e3));
            writer.awaitMore(50, Duration.ofSeconds(60));
        }

        NavigableMap<Long, Instant> expected = BackupHarness.committedBy(all, target);
        NavigableMap<Long, Instant> restored = BackupHarness.rowsOn(db, result.port());
        System.out.println(result);
        assertThat(expected).isNotEmpty().hasSizeLessThan(all.size());
        assertThat(restored).containsExactlyEntriesOf(expected);
        assertThat(result.reachedCommitTime()).isBeforeOrEqualTo(target);
        assertThat(db.restores()).extracting(r -> r.name()).contains("at-t");
    }

    @Test
    void shouldRestoreExactlyToAMarkAndToAnLsn() throws Exception {
        String url = db.readWriteListener().jdbcUrl();
        GeoDbHarness.insert(
                url,
                GeoDbHarness.range(2_000_000, 2_000_040).stream()
                        .mapToLong(Long::longValue)
                        .toArray());
        RestoreMark mark = db.mark("before-migration");
        GeoDbHarness.insert(
                url,
                GeoDbHarness.range(2_000_040, 2_000_080).stream()
                        .mapToLong(Long::longValue)
                        .toArray());
        String lsn = db.sql("SELECT pg_current_wal_insert_lsn()").rows().get(0).get(0);
        GeoDbHarness.insert(
                url,
                GeoDbHarness.range(2_000_080, 2_000_120).stream()
                        .mapToLong(Long::longValue)
                        .toArray());

        RestoreResult toMark = db.restore(
                new RestoreRequest(new RestoreTarget.AtMark("before-migration"), "at-mark", null),
                (step, at) -> System.out.printf("restore to mark: %s %.1f s%n", step, at.toMillis() / 1e3));
        RestoreResult toLsn =
                db.restore(new RestoreRequest(new RestoreTarget.AtLsn(lsn), "at-lsn", null), ProgressListener.NONE);
        RestoreResult latest =
                db.restore(new RestoreRequest(new RestoreTarget.Latest(), "latest", null), ProgressListener.NONE);

        assertThat(idsFrom(2_000_000, toMark.port()))
                .containsExactlyElementsOf(GeoDbHarness.range(2_000_000, 2_000_040));
        assertThat(idsFrom(2_000_000, toLsn.port()))
                .containsExactlyElementsOf(GeoDbHarness.range(2_000_000, 2_000_080));
        assertThat(idsFrom(2_000_000, latest.port()))
                .as("latest: what was committed when the restore began")
                .containsExactlyElementsOf(GeoDbHarness.range(2_000_000, 2_000_120));
        assertThat(mark.archived()).isTrue();
        assertThat(db.backups().marks()).extracting(RestoreMark::name).contains("before-migration");
        assertThatThrownBy(() -> db.mark("before-migration"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exists already");
    }

    @Test
    void shouldNeverOverwriteAnArchivedFileWithOtherContentAndFailLoudlyInstead() throws Exception {
        String segment = db.sql("SELECT pg_walfile_name(pg_current_wal_lsn())")
                .rows()
                .get(0)
                .get(0);
        Path wal = db.backupService()
                .storeRoot()
                .resolve(GeoDbHarness.CENTRAL)
                .resolve("g1")
                .resolve("wal");
        Path planted = wal.resolve(segment);
        Files.writeString(planted, "not the WAL PostgreSQL has");
        long failuresBefore = db.backupStatus().archiveFailures();

        db.sql("SELECT pg_current_xact_id()");
        db.sql("SELECT pg_switch_wal()");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            db.backupService().refresh();
            BackupStatus status = db.backupStatus();
            assertThat(status.archiveFailures()).isGreaterThan(failuresBefore);
            assertThat(status.problems()).anySatisfy(p -> assertThat(p).contains("archiving on 'centralindia' fails"));
        });
        assertThat(Files.readString(planted)).isEqualTo("not the WAL PostgreSQL has");
        assertThat(Files.readString(db.logFile(GeoDbHarness.CENTRAL)))
                .contains("REFUSED to archive")
                .contains("it is never overwritten");

        // Once the foreign file is moved away, archiving resumes by itself with the real segment.
        Files.move(planted, tempDirOf(wal).resolve("moved-away-" + segment));
        db.sql("SELECT pg_current_xact_id()");
        db.sql("SELECT pg_switch_wal()");
        // Archived whole, or already compressed by the store since (then its name ends in .gz).
        await().atMost(Duration.ofSeconds(120))
                .until(() -> Files.exists(wal.resolve(segment + ".gz"))
                        || Files.exists(wal.resolve(segment)) && Files.size(wal.resolve(segment)) == 16L * 1024 * 1024);
        // ...and the store reads the real segment, not what it learned from the foreign file.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            db.backupService().refresh();
            StoreStatus central = db.backups().stores().stream()
                    .filter(s -> s.region().equals(GeoDbHarness.CENTRAL))
                    .findFirst()
                    .orElseThrow();
            assertThat(central.lastSegment()).isGreaterThanOrEqualTo(segment);
            assertThat(central.problems()).isEmpty();
        });
    }

    private static Path tempDirOf(Path wal) {
        return wal.getParent().getParent().getParent().getParent();
    }

    private java.util.List<Long> idsFrom(long from, int port) throws Exception {
        return BackupHarness.rowsOn(db, port).keySet().stream()
                .filter(id -> id >= from && id < from + 1_000_000)
                .toList();
    }

    @Test
    void shouldRefuseTargetsOutsideTheRestorableRangeNamingIt() {
        Instant now = Instant.now();

        assertThatThrownBy(() -> db.restore(
                        new RestoreRequest(new RestoreTarget.AtTime(now.plusSeconds(3600)), "future", null),
                        ProgressListener.NONE))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("in the future")
                .hasMessageContaining("the valid range is from");
        assertThatThrownBy(() -> db.restore(
                        new RestoreRequest(new RestoreTarget.AtTime(now.minusSeconds(86_400)), "past", null),
                        ProgressListener.NONE))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("before the earliest restore point")
                .hasMessageContaining("the valid range is from");
        assertThatThrownBy(() -> db.restore(
                        new RestoreRequest(new RestoreTarget.AtLsn("FFFF/0"), "beyond", null), ProgressListener.NONE))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("beyond the last archived WAL")
                .hasMessageContaining("this store restores LSNs from");
        assertThatThrownBy(() -> db.restore(
                        new RestoreRequest(new RestoreTarget.AtMark("no-such-mark"), "nomark", null),
                        ProgressListener.NONE))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("no restore point of that name");
        assertThat(db.restores()).extracting(r -> r.name()).doesNotContain("future", "past", "beyond", "nomark");
    }
}
