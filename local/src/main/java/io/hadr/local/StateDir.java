package io.hadr.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The state directory ({@code .hadr/} by default): logs of every process, the control file that
 * tells other {@code hadr} commands how to reach a running environment, the lock that makes
 * sure only one environment runs from it, and what an environment keeps between runs (its front
 * door id, the database password).
 */
public final class StateDir {

    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * What a running environment publishes about itself; readable only by its owner, since the
     * token lets anyone stop the environment.
     */
    public record ControlFile(long pid, String url, String token, java.time.Instant startedAt) {}

    /**
     * Locks this JVM holds, by lock file. Asking the operating system whether a lock is held means
     * opening and closing the file, and closing any descriptor of a file drops every POSIX lock the
     * process holds on it: a process that holds the lock must answer from here.
     */
    private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

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

    /**
     * This environment's front door id: a random GUID made on first use and kept here, like the
     * {@code frontDoorId} Azure assigns to a profile when it is created. Random, so that knowing
     * the topology's name does not tell anyone what the apps' lockdown expects.
     */
    public String frontDoorId() {
        Path file = root.resolve("front-door-id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file).trim();
                if (GUID.matcher(id).matches()) {
                    return id;
                }
                throw new LocalEnvironmentException(file + " does not hold a front door id (a GUID such as "
                        + "3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69) but '" + id + "'; delete it to get a new one");
            }
            Files.createDirectories(root);
            String id = UUID.randomUUID().toString();
            Path tmp = root.resolve("front-door-id.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, id + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot keep the front door id in " + file + ": " + e.getMessage(), e);
        }
    }

    void create() {
        try {
            Files.createDirectories(logs());
            Files.createDirectories(cache());
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "cannot create the state directory " + root + ": " + e.getMessage()
                            + "; choose a writable place with --state-dir",
                    e);
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
        FileLock held = HELD.get(lockFile());
        if (held != null && held.isValid()) {
            throw LocalEnvironmentException.alreadyRunning(
                    this, ProcessHandle.current().pid());
        }
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
                throw LocalEnvironmentException.alreadyRunning(
                        this, readControl().map(ControlFile::pid).orElse(-1L));
            }
            HELD.put(lockFile(), lock);
            return lock;
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot lock " + lockFile() + ": " + e.getMessage(), e);
        }
    }

    /** Whether some process holds the environment lock right now. */
    public boolean isLocked() {
        FileLock held = HELD.get(lockFile());
        if (held != null && held.isValid()) {
            return true;
        }
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
