package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.toolkit.LogTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one server keeps its files, and the file operations hadr does on them.
 *
 * <p>Layout: {@code <dataRoot>/<name>/data} is PGDATA, {@code <dataRoot>/<name>/postgres.log}
 * receives the server's stdout and stderr (no logging collector, so the file is complete even
 * when the server dies), {@code <dataRoot>/<name>/FENCED} marks a server that must be reseeded.
 */
public final class ServerFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ServerFiles.class);
    private static final String FENCED_MARKER = "FENCED";

    private final String name;
    private final Path serverDir;
    private final Path dataDir;
    private final Path logFile;
    private final PgAccount account;

    public ServerFiles(Path dataRoot, String name, PgAccount account) {
        this.name = name;
        this.serverDir = dataRoot.resolve(name);
        this.dataDir = serverDir.resolve("data");
        this.logFile = serverDir.resolve("postgres.log");
        this.account = account;
    }

    public Path serverDir() {
        return serverDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean hasData() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    public boolean hasStandbySignal() {
        return Files.exists(dataDir.resolve("standby.signal"));
    }

    public boolean fencedMarker() {
        return Files.exists(serverDir.resolve(FENCED_MARKER));
    }

    /** Persists the fence next to the data, so no restart can bring this server up as a primary. */
    public void markFenced(String reason) {
        try {
            Files.createDirectories(serverDir);
            Files.writeString(
                    serverDir.resolve(FENCED_MARKER),
                    "fenced: " + reason + System.lineSeparator()
                            + "This server must be reseeded from the primary before it serves again; hadr does it when the "
                            + "server is brought back." + System.lineSeparator(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GeoDbException("cannot write the fence marker of '" + name + "': " + e, e);
        }
    }

    public void clearFencedMarker() {
        try {
            Files.deleteIfExists(serverDir.resolve(FENCED_MARKER));
        } catch (IOException e) {
            throw new GeoDbException("cannot remove the fence marker of '" + name + "': " + e, e);
        }
    }

    /** Prepares the server directory: owned by the PostgreSQL account, reachable by it. */
    public void prepareDirectories() {
        try {
            Files.createDirectories(serverDir);
            Files.setPosixFilePermissions(serverDir, PosixFilePermissions.fromString("rwx------"));
            if (!Files.exists(logFile)) {
                Files.createFile(logFile);
            }
            account.own(serverDir);
        } catch (IOException e) {
            throw new GeoDbException(
                    "cannot prepare the directory of server '" + name + "' (" + serverDir + "): " + e, e);
        }
    }

    /** Deletes the data directory (a fenced server's data before a reseed, or a half-made one). */
    public void wipeData() {
        try {
            Trees.delete(dataDir);
        } catch (IOException e) {
            throw new GeoDbException("cannot delete the data directory " + dataDir + " of '" + name + "': " + e, e);
        }
    }

    /**
     * Removes replication slots kept in the data directory (server stopped). A former primary
     * turning standby would otherwise keep holding WAL for a peer that now streams elsewhere.
     */
    public void dropLocalSlots() {
        Path slots = dataDir.resolve("pg_replslot");
        if (!Files.isDirectory(slots)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(slots)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(slots)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new GeoDbException("cannot remove the replication slots of '" + name + "': " + e, e);
        }
    }

    /** Writes a file in the data directory, readable only by the PostgreSQL account. */
    public void writePrivate(String fileName, String text) {
        try {
            Path file = dataDir.resolve(fileName);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            account.own(file);
        } catch (IOException e) {
            throw new GeoDbException("cannot write " + fileName + " of server '" + name + "': " + e, e);
        }
    }

    /** Creates or removes {@code standby.signal}, which starts the server in standby mode. */
    public void standbySignal(boolean present) {
        Path signal = dataDir.resolve("standby.signal");
        try {
            if (present && !Files.exists(signal)) {
                Files.createFile(signal);
                account.own(signal);
            } else if (!present) {
                Files.deleteIfExists(signal);
            }
        } catch (IOException e) {
            throw new GeoDbException("cannot " + (present ? "create " : "remove ") + signal + ": " + e, e);
        }
    }

    /**
     * After {@code initdb}: password logins over loopback TCP only, and {@code postgresql.conf}
     * includes the file hadr rewrites on every role change.
     */
    public void hookIntoNewCluster(String configFile) {
        try {
            Files.writeString(
                    dataDir.resolve("pg_hba.conf"),
                    String.join(
                            System.lineSeparator(),
                            "# Written by hadr geodb: password (SCRAM) logins over loopback TCP only.",
                            "host    all          all  127.0.0.1/32  scram-sha-256",
                            "host    replication  all  127.0.0.1/32  scram-sha-256",
                            ""),
                    StandardCharsets.UTF_8);
            Files.writeString(
                    dataDir.resolve("postgresql.conf"),
                    System.lineSeparator()
                            + "# hadr geodb: role, ports and replication settings; rewritten by hadr."
                            + System.lineSeparator()
                            + "include_if_exists = '" + configFile + "'" + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new GeoDbException("cannot configure the new cluster of server '" + name + "': " + e, e);
        }
    }

    /** The last {@code lines} lines of the server's log, for error messages. */
    public String logTail(int lines) {
        return LogTail.of(logFile, lines);
    }

    /** Appends a marker line to the server log, so a reader sees what hadr did when. */
    public void appendToLog(String line) {
        try {
            Files.writeString(
                    logFile,
                    Instant.now() + " " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("Cannot write to {}: {}", logFile, e.toString());
        }
    }
}
