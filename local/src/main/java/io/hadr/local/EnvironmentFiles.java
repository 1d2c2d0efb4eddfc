package io.hadr.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Everything an environment keeps on disk for a state directory: the directory itself (logs,
 * control file, front door id, passwords, database data) and, when hadr runs as root, its
 * {@link SharedArea} under {@code /var/lib/hadr}. For the programs that need a fresh environment
 * every time ({@code hadr demo}, {@code hadr drill compare-strategies}) rather than one that
 * resumes where the last one stopped.
 */
public final class EnvironmentFiles {

    private EnvironmentFiles() {}

    /**
     * Deletes what an environment of {@code stateDir} kept, so that the next one starts from
     * nothing. Refused while an environment runs from it, and for a directory that holds other
     * files than a state directory's (it must be empty or hold hadr's lock file).
     *
     * @throws LocalEnvironmentException when refused, or a file cannot be deleted
     */
    public static void discard(StateDir stateDir) {
        Path root = stateDir.root();
        if (stateDir.isLocked()) {
            throw LocalEnvironmentException.alreadyRunning(
                    stateDir,
                    stateDir.readControl().map(StateDir.ControlFile::pid).orElse(-1L));
        }
        try {
            if (Files.isDirectory(root)) {
                boolean empty;
                try (var entries = Files.list(root)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!empty && !Files.exists(stateDir.lockFile())) {
                    throw new LocalEnvironmentException(root + " is not a hadr state directory (it has files but no "
                            + stateDir.lockFile().getFileName()
                            + "); it was left as it is: choose another --state-dir");
                }
                deleteTree(root);
            }
            Path shared = SharedArea.of(stateDir);
            if (Files.isDirectory(shared)) {
                deleteTree(shared);
            }
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "cannot delete the environment files of " + root + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
