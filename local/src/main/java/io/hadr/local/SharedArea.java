package io.hadr.local;

import io.hadr.toolkit.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where files go that the unprivileged account running PostgreSQL and the apps must reach when
 * hadr runs as root and its state directory lies below a private directory such as {@code /root}:
 * {@code /var/lib/hadr/<id>}, one id per state directory, so that every environment keeps its own
 * files between runs.
 */
final class SharedArea {

    private static final Path BASE = Path.of("/var/lib/hadr");

    private SharedArea() {}

    /** Whether hadr runs as root, and so starts PostgreSQL and the apps under an unprivileged account. */
    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The shared directory of a state directory (not created). */
    static Path of(StateDir stateDir) {
        return BASE.resolve(Hashes.sha256Hex(stateDir.root().toString()).substring(0, 16));
    }

    /**
     * Creates {@code dir} below the shared area with every directory from {@code /var/lib} down
     * searchable and readable by others.
     */
    static Path createReachable(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Path p = dir; p != null && !p.equals(BASE.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    /** Whether every directory above {@code path} lets other accounts through. */
    static boolean reachableByOthers(Path path) {
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return true;
    }
}
