package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.Leftover;
import io.hadr.geodb.backup.QueryResult;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic mistake and its repair: a DELETE without WHERE, a restore to just before it, adopted. */
class AdoptIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldServeTheRestoredDataThroughTheSameListenersAfterAdopt() throws Exception {
        AheadClock clock = new AheadClock();
        try (GeoDatabase db =
                new GeoDatabase(GeoDbHarness.config(tempDir).clock(clock).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            String url = db.readWriteListener().jdbcUrl();
            try (Writer writer = new Writer(url, 1)) {
                writer.awaitMore(200, Duration.ofSeconds(60));
            }
            NavigableMap<Long, Instant> all = BackupHarness.rows(url);
            Instant target = BackupHarness.between(all, 0.6);
            QueryResult deleted = db.sql("DELETE FROM records");
            assertThat(deleted.updateCount()).isEqualTo(all.size());

            RestoreResult before = db.restore(
                    new RestoreRequest(new RestoreTarget.AtTime(target), "before", null),
                    (step, at) -> System.out.printf("restore: %s%n", step));
            QueryResult count = db.sqlOnRestore("before", "SELECT count(*) FROM records");
            AdoptReport report = db.adopt("before", (step, at) -> System.out.printf("adopt: %s%n", step));

            NavigableMap<Long, Instant> expected = BackupHarness.committedBy(all, target);
            assertThat(count.rows().get(0).get(0)).isEqualTo(Integer.toString(expected.size()));
            assertThat(BackupHarness.rows(url)).containsExactlyEntriesOf(expected);
            assertThat(report.primary()).isEqualTo(CENTRAL);
            assertThat(report.secondary()).isEqualTo(SOUTH);
            assertThat(report.generation()).isEqualTo(2);
            assertThat(report.keptAside().resolve("data").resolve("PG_VERSION")).exists();
            assertThat(db.restores()).isEmpty();
            assertThat(db.status().primary()).isEqualTo(CENTRAL);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(
                                    BackupHarness.rows(db.readOnlyListener().jdbcUrl()))
                            .containsExactlyEntriesOf(expected));
            assertThat(db.backups().baseBackups())
                    .anySatisfy(b -> assertThat(b.generation()).isEqualTo(2));
            assertThat(Files.exists(before.port() > 0 ? tempDir.resolve("db/restores/before") : tempDir))
                    .isFalse();

            // The adopted data is backed up as the database it now is: a restore within it works.
            GeoDbHarness.insert(
                    url,
                    GeoDbHarness.range(10_000, 10_040).stream()
                            .mapToLong(Long::longValue)
                            .toArray());
            NavigableMap<Long, Instant> later = BackupHarness.rows(url);
            Instant afterAdopt = BackupHarness.between(later.tailMap(10_000L, true), 0.5);
            RestoreResult again = db.restore(
                    new RestoreRequest(new RestoreTarget.AtTime(afterAdopt), "again", null), ProgressListener.NONE);
            BackupHarness.assertRestoredExactly(db, again, later, afterAdopt);

            // The former primary's data is a leftover: listed, and kept as long as the former database's backups.
            Duration retention = db.config().backups().retention();
            assertThat(db.backups().leftovers()).singleElement().satisfies(l -> {
                assertThat(l.kind()).isEqualTo(Leftover.Kind.FORMER_PRIMARY_DATA);
                assertThat(l.path()).isEqualTo(report.keptAside());
                assertThat(l.removedAfter()).isEqualTo(l.since().plus(retention));
            });
            clock.moveAhead(retention.minusMinutes(30));
            db.backupService().applyRetention();
            assertThat(report.keptAside()).exists();
            assertThat(db.backups().baseBackups())
                    .anySatisfy(b -> assertThat(b.generation()).isEqualTo(1));
            clock.moveAhead(Duration.ofMinutes(32));
            db.backupService().applyRetention();
            assertThat(report.keptAside()).doesNotExist();
            assertThat(db.backups().leftovers()).isEmpty();
            assertThat(db.backups().baseBackups())
                    .allSatisfy(b -> assertThat(b.generation()).isEqualTo(2));
        }
    }
}
