package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.backup.VerifyReport;
import io.hadr.geodb.internal.backup.WalFile;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify-backups restores for real and names a missing and a damaged WAL segment. */
class VerifyBackupsIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldPassOnHealthyBackupsAndNameAMissingAndADamagedSegment() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            String url = db.readWriteListener().jdbcUrl();
            for (int i = 0; i < 4; i++) {
                GeoDbHarness.insert(
                        url,
                        GeoDbHarness.range(i * 100L, i * 100L + 30).stream()
                                .mapToLong(Long::longValue)
                                .toArray());
                db.sql("SELECT pg_switch_wal()");
            }
            Path central = wal(db, GeoDbHarness.CENTRAL);
            Path south = wal(db, GeoDbHarness.SOUTH);
            await().atMost(Duration.ofSeconds(90))
                    .until(() ->
                            segments(central).size() >= 5 && segments(south).size() >= 5);

            VerifyReport healthy = db.verifyBackups(null, (step, at) -> System.out.printf("verify: %s%n", step));
            assertThat(healthy.problems()).isEmpty();
            assertThat(healthy.ok()).isTrue();
            assertThat(healthy.records()).isEqualTo(120);
            assertThat(healthy.reachedLsn()).isEqualTo(healthy.expectedLsn());

            List<String> names = segments(central);
            String missing = names.get(names.size() - 3);
            byte[] kept = Files.readAllBytes(central.resolve(missing));
            Files.delete(central.resolve(missing));
            Files.deleteIfExists(south.resolve(missing));
            VerifyReport gap = db.verifyBackups(null, ProgressListener.NONE);
            System.out.println(gap);
            assertThat(gap.ok()).isFalse();
            assertThat(gap.problems())
                    .anySatisfy(p -> assertThat(p).contains(missing).contains("missing"));

            Files.write(central.resolve(missing), kept);
            String damaged = names.get(names.size() - 2);
            try (RandomAccessFile file =
                    new RandomAccessFile(central.resolve(damaged).toFile(), "rw")) {
                file.seek(100);
                file.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
            VerifyReport corrupt = db.verifyBackups(null, ProgressListener.NONE);
            System.out.println(corrupt);
            assertThat(corrupt.ok()).isFalse();
            assertThat(corrupt.problems())
                    .anySatisfy(p -> assertThat(p).contains(damaged).contains("damaged"));
        }
    }

    private static Path wal(GeoDatabase db, String region) {
        return db.backupService().storeRoot().resolve(region).resolve("g1").resolve("wal");
    }

    private static List<String> segments(Path wal) throws Exception {
        try (Stream<Path> files = Files.list(wal)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> WalFile.parse(n).map(WalFile::isSegment).orElse(false) && !n.endsWith(".gz"))
                    .sorted()
                    .toList();
        }
    }
}
