package io.hadr.geodb.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restore_command as PostgreSQL runs it ({@code sh -c}, with %f and %p filled in). */
class ArchiveScriptsTest {

    private static final String SEGMENT = "000000010000000000000007";

    @TempDir
    Path tempDir;

    @Test
    void shouldCopyAnUncompressedSegmentOrDecompressAnOldOneOrSayItIsNotThere() throws Exception {
        ArchiveScripts scripts = ArchiveScripts.install(tempDir.resolve("scripts"));
        Path store = Files.createDirectories(tempDir.resolve("store"));
        Path other = Files.createDirectories(tempDir.resolve("other"));
        Path pgWal = Files.createDirectories(tempDir.resolve("pg_wal"));
        byte[] plain = bytes(1);
        byte[] compressed = bytes(2);
        byte[] inOther = bytes(3);
        Files.write(store.resolve(SEGMENT), plain);
        Path old = store.resolve("000000010000000000000006");
        Files.write(old, compressed);
        Compactor.compress(old);
        Files.write(other.resolve("000000010000000000000008"), inOther);
        String command = scripts.restoreCommand(store, other);

        assertThat(run(command, SEGMENT, pgWal.resolve("RECOVERYXLOG"))).isZero();
        assertThat(pgWal.resolve("RECOVERYXLOG")).hasBinaryContent(plain);
        assertThat(run(command, "000000010000000000000006", pgWal.resolve("RECOVERYXLOG")))
                .isZero();
        assertThat(pgWal.resolve("RECOVERYXLOG")).hasBinaryContent(compressed);
        assertThat(run(command, "000000010000000000000008", pgWal.resolve("RECOVERYXLOG")))
                .isZero();
        assertThat(pgWal.resolve("RECOVERYXLOG")).hasBinaryContent(inOther);
        assertThat(run(command, "000000010000000000000009", pgWal.resolve("RECOVERYXLOG")))
                .isEqualTo(1);
    }

    /** What PostgreSQL does: %f and %p replaced, then {@code sh -c}. */
    private static int run(String command, String file, Path path) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        "sh", "-c", command.replace("%f", file).replace("%p", path.toString()))
                .redirectErrorStream(true)
                .start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private static byte[] bytes(long seed) {
        byte[] bytes = new byte[1 << 20];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
