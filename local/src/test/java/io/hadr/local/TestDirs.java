package io.hadr.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Test state directories that PostgreSQL can reach when tests run as root (it runs as nobody). */
final class TestDirs {

    private TestDirs() {}

    static Path reachable(Path tempDir) {
        try {
            Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return tempDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
