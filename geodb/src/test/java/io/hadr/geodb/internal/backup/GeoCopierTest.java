package io.hadr.geodb.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.geodb.internal.PgAccount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The geo-copy's conflicts say what is wrong now: each goes away once it no longer holds. */
class GeoCopierTest {

    private static final String SEGMENT = "000000010000000000000003";

    @TempDir
    Path tempDir;

    private BackupStore central;
    private BackupStore south;
    /** A file the other region's own archiver puts under the target's name while a copy is on its way, or null. */
    private final AtomicReference<byte[]> arrivesMeanwhile = new AtomicReference<>();

    private GeoCopier copier;

    @BeforeEach
    void stores() {
        PgAccount account = PgAccount.forCurrentProcess("nobody");
        central = new BackupStore("centralindia", tempDir.resolve("centralindia"), account);
        south = new BackupStore("southindia", tempDir.resolve("southindia"), account);
        central.prepare(1);
        south.prepare(1);
        copier = new GeoCopier((from, to, in, out) -> {
            byte[] other = arrivesMeanwhile.getAndSet(null);
            if (other != null) {
                Files.write(south.walDir(1).resolve(SEGMENT), other);
            }
            in.transferTo(out);
        });
    }

    @Test
    void shouldForgetAForeignFileOnceItIsMovedAway() throws IOException {
        Path foreign = central.walDir(1).resolve(SEGMENT);
        Files.writeString(foreign, "not WAL");

        copier.copy(central, south, Retention.KEEP_ALL);
        assertThat(copier.conflicts()).singleElement().asString().contains(foreign.toString(), "is not a WAL segment");
        assertThat(south.walDir(1).resolve(SEGMENT)).doesNotExist();
        Files.delete(foreign);
        copier.copy(central, south, Retention.KEEP_ALL);

        assertThat(copier.conflicts()).isEmpty();
        assertThat(copier.problems()).isEmpty();
    }

    @Test
    void shouldKeepAConflictWhileItHoldsAndForgetItOnceTheOtherFileIsRemoved() throws IOException {
        byte[] ours = segment(1);
        Files.write(central.walDir(1).resolve(SEGMENT), ours);
        arrivesMeanwhile.set(segment(2));
        copier.copy(central, south, Retention.KEEP_ALL);
        assertThat(copier.conflicts()).singleElement().asString().contains("holds other content");

        copier.copy(central, south, Retention.KEEP_ALL);
        assertThat(copier.conflicts()).hasSize(1);
        Files.delete(south.walDir(1).resolve(SEGMENT));
        copier.copy(central, south, Retention.KEEP_ALL);

        assertThat(copier.conflicts()).isEmpty();
        assertThat(south.walDir(1).resolve(SEGMENT)).hasBinaryContent(ours);
    }

    @Test
    void shouldForgetAConflictOnceBothFilesHoldTheSame() throws IOException {
        byte[] ours = segment(1);
        Files.write(central.walDir(1).resolve(SEGMENT), ours);
        arrivesMeanwhile.set(segment(2));
        copier.copy(central, south, Retention.KEEP_ALL);
        assertThat(copier.conflicts()).hasSize(1);

        Files.write(south.walDir(1).resolve(SEGMENT), ours);
        copier.copy(central, south, Retention.KEEP_ALL);

        assertThat(copier.conflicts()).isEmpty();
    }

    @Test
    void shouldKeepAConflictWhenTheSourceIsCompressedMeanwhile() throws IOException {
        Files.write(central.walDir(1).resolve(SEGMENT), segment(1));
        arrivesMeanwhile.set(segment(2));
        copier.copy(central, south, Retention.KEEP_ALL);

        Compactor.compress(central.walDir(1).resolve(SEGMENT));
        copier.copy(central, south, Retention.KEEP_ALL);

        assertThat(copier.conflicts()).singleElement().asString().contains("holds other content");
    }

    @Test
    void shouldCheckOnlyTheConflictsOfTheDirectionItCopies() throws IOException {
        Path foreign = central.walDir(1).resolve(SEGMENT);
        Files.writeString(foreign, "not WAL");
        copier.copy(central, south, Retention.KEEP_ALL);
        Files.delete(foreign);

        copier.copy(south, central, Retention.KEEP_ALL);
        assertThat(copier.conflicts()).hasSize(1);
        copier.copy(central, south, Retention.KEEP_ALL);

        assertThat(copier.conflicts()).isEmpty();
    }

    private static byte[] segment(long seed) {
        byte[] bytes = new byte[(int) WalFile.SEGMENT_SIZE];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
