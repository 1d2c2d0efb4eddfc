package io.hadr.geodb.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.geodb.backup.Leftover;
import io.hadr.geodb.internal.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as left over, and when the retention window lets it go. */
class LeftoversTest {

    private static final Duration RETENTION = Duration.ofDays(7);

    @TempDir
    Path tempDir;

    @Test
    void shouldListDataKeptAsideByAnAdoptUntilTheWindowHasPassedSinceItWasKept() throws IOException {
        Path dataRoot = tempDir.resolve("db");
        Path kept = Leftovers.keptRoot(dataRoot).resolve("centralindia-20300101T000000Z");
        Files.createDirectories(kept.resolve("data"));
        Files.writeString(kept.resolve("data").resolve("PG_VERSION"), "17\n");
        Instant keptAt = Instant.parse("2030-01-01T00:00:00Z");
        Leftovers.recordKept(kept, "centralindia", "before", keptAt);

        List<Leftover> found = Leftovers.find(places(dataRoot, Set.of()), RETENTION);

        assertThat(found).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo(Leftover.Kind.FORMER_PRIMARY_DATA);
            assertThat(l.path()).isEqualTo(kept);
            assertThat(l.since()).isEqualTo(keptAt);
            assertThat(l.removedAfter()).isEqualTo(keptAt.plus(RETENTION));
            assertThat(l.bytes()).isPositive();
            assertThat(l.what()).contains("'centralindia'", "'before'");
        });
    }

    @Test
    void shouldListAStoreOfNoServerButNeitherTheServersStoresNorAStoreOfAnotherGroupThatExists() throws IOException {
        Path dataRoot = tempDir.resolve("db");
        Path storeRoot = tempDir.resolve("stores");
        store(storeRoot, "centralindia", dataRoot);
        store(storeRoot, "southindia", dataRoot);
        Path otherGroup = tempDir.resolve("other-db");
        Files.createDirectories(otherGroup);
        Files.writeString(otherGroup.resolve(StateFile.NAME), "primary=westeurope\n");
        store(storeRoot, "westeurope", otherGroup);
        Path gone = store(storeRoot, "eastus", tempDir.resolve("deleted-db"));
        Path unmarked = store(storeRoot, "northeurope", null);
        Files.createDirectories(storeRoot.resolve("not-a-store"));
        Instant lastWrite = Instant.now().minus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        age(gone, lastWrite);

        List<Leftover> found = Leftovers.find(
                new Leftovers.Places(
                        dataRoot,
                        storeRoot,
                        Set.of("centralindia", "southindia"),
                        dataRoot.resolve("restores"),
                        Set.of()),
                RETENTION);

        assertThat(found).extracting(Leftover::path).containsExactly(gone, unmarked);
        assertThat(found).allMatch(l -> l.kind() == Leftover.Kind.STORE_OF_NO_SERVER);
        assertThat(found.get(0).since()).isEqualTo(lastWrite);
        assertThat(found.get(0).removedAfter()).isEqualTo(lastWrite.plus(RETENTION));
        assertThat(found.get(0).what()).contains("no longer exists");
    }

    @Test
    void shouldListTheFilesOfARestoreThatDidNotFinishButNoRestoreInUse() throws IOException {
        Path dataRoot = tempDir.resolve("db");
        Path restores = dataRoot.resolve("restores");
        Files.createDirectories(restores.resolve("kept-one").resolve("data"));
        Files.createDirectories(restores.resolve("being-made").resolve("data"));
        Path abandoned = Files.createDirectories(restores.resolve("crashed").resolve("data"));
        Files.writeString(restores.resolve("restores.properties"), "");

        List<Leftover> found = Leftovers.find(places(dataRoot, Set.of("kept-one", "being-made")), RETENTION);

        assertThat(found).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo(Leftover.Kind.ABANDONED_RESTORE);
            assertThat(l.path()).isEqualTo(abandoned.getParent());
        });
    }

    @Test
    void shouldFindNothingWhereNothingIsLeft() {
        assertThat(Leftovers.find(places(tempDir.resolve("db"), Set.of()), RETENTION))
                .isEmpty();
    }

    private static Leftovers.Places places(Path dataRoot, Set<String> restoresInUse) {
        return new Leftovers.Places(
                dataRoot,
                dataRoot.resolve("backups"),
                Set.of("centralindia", "southindia"),
                dataRoot.resolve("restores"),
                restoresInUse);
    }

    private static Path store(Path storeRoot, String region, Path owner) throws IOException {
        Path store = storeRoot.resolve(region);
        Files.createDirectories(store.resolve("g1").resolve("wal"));
        Files.writeString(store.resolve("g1").resolve("wal").resolve("000000010000000000000001"), "wal");
        if (owner != null) {
            Leftovers.recordStoreOwner(store, owner);
        }
        return store;
    }

    private static void age(Path dir, Instant at) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(at));
            }
        }
    }
}
