package io.hadr.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The state directory ({@code .hadr/} by default): logs of every process, the control file that
 * tells other {@code hadr} commands how to reach a running environment, and the lock that makes
 * sure only one environment runs from it.
 */
public final class StateDir {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a running environment publishes about itself; readable only by its owner, since the
     * token lets anyone stop the environment.
     */
    public record ControlFile(long pid, String url, String token, String startedAt) {}

    private final Path root;

    public StateDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path controlFile() {
        return root.resolve("control.json");
    }

    Path lockFile() {
        return root.resolve("environment.lock");
    }

    /** A directory for cached files (the app jar, binaries) kept between runs. */
    public Path cache() {
        return root.resolve("cache");
    }

    void create() {
        try {
            Files.createDirectories(logs());
            Files.createDirectories(cache());
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot create the state directory " + root + ": " + e.getMessage()
                    + "; choose a writable place with --state-dir", e);
        }
    }

    /**
     * Takes the environment lock, held until the returned lock is released or the process dies
     * (the operating system releases it then, even after SIGKILL, so a crash never leaves a stale lock).
     *
     * @throws LocalEnvironmentException when another environment holds it
     */
    public FileLock lock() {
        create();
        try {
            FileChannel channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw LocalEnvironmentException.alreadyRunning(this, readControl().map(ControlFile::pid).orElse(-1L));
            }
            return lock;
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot lock " + lockFile() + ": " + e.getMessage(), e);
        }
    }

    /** Whether some process holds the environment lock right now. */
    public boolean isLocked() {
        if (!Files.exists(lockFile())) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile(), StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void writeControl(ControlFile control) {
        Path tmp = root.resolve("control.json.tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(control));
            try {
                Files.move(tmp, controlFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, controlFile(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot write " + controlFile() + ": " + e.getMessage(), e);
        }
    }

    public Optional<ControlFile> readControl() {
        try {
            return Optional.of(JSON.readValue(controlFile().toFile(), ControlFile.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void deleteControl() {
        try {
            Files.deleteIfExists(controlFile());
        } catch (IOException e) {
            // a stale control file is detected by its dead pid and the free lock
        }
    }
}
