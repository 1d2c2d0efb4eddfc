package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.internal.PgAccount;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's backup store, like the backup storage Azure keeps for a database in a region:
 * {@code <storeRoot>/<region>/g<N>/wal} (archived WAL and timeline history files, compressed as
 * {@code .gz} once they are old), {@code g<N>/base/<id>/} (base backups), {@code g<N>/index}
 * (what hadr learned by reading the WAL; derived, never copied). {@code N} is the database's
 * generation: adopting a restored server starts a new one, as an Azure restore is a new database
 * with backups of its own.
 *
 * <p>The PostgreSQL account owns the store: the archive command runs as that account.
 */
public final class BackupStore {

    private static final Logger LOG = LoggerFactory.getLogger(BackupStore.class);

    private final String region;
    private final Path root;
    private final PgAccount account;

    public BackupStore(String region, Path root, PgAccount account) {
        this.region = region;
        this.root = root;
        this.account = account;
    }

    /** The region (server name) whose store this is. */
    public String region() {
        return region;
    }

    public Path root() {
        return root;
    }

    public Path generationDir(int generation) {
        return root.resolve("g" + generation);
    }

    public Path walDir(int generation) {
        return generationDir(generation).resolve("wal");
    }

    public Path baseDir(int generation) {
        return generationDir(generation).resolve("base");
    }

    public Path indexDir(int generation) {
        return generationDir(generation).resolve("index");
    }

    /** Creates the store's directories for {@code generation}, owned by the PostgreSQL account. */
    public void prepare(int generation) {
        try {
            for (Path dir : List.of(
                    root, generationDir(generation), walDir(generation), baseDir(generation), indexDir(generation))) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    account.own(dir);
                }
            }
        } catch (IOException e) {
            throw new GeoDbException("cannot create the backup store of '" + region + "' in " + root + ": " + e, e);
        }
    }

    /** The generations this store holds, oldest first. */
    public List<Integer> generations() {
        List<Integer> generations = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return generations;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("g[0-9]{1,6}"))
                    .map(n -> Integer.parseInt(n.substring(1)))
                    .sorted()
                    .forEach(generations::add);
        } catch (IOException e) {
            LOG.warn("Cannot list the backup store {}: {}", root, e.toString());
        }
        return generations;
    }

    /**
     * The archived files of a generation by the name PostgreSQL uses; the uncompressed copy when
     * both forms are there (a compression that has not finished removing the original).
     */
    public Map<String, Path> walFiles(int generation) {
        Map<String, Path> files = new TreeMap<>();
        Path dir = walDir(generation);
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> {
                String fileName = p.getFileName().toString();
                if (fileName.startsWith(".")) {
                    return;
                }
                WalFile.parse(fileName).ifPresent(f -> {
                    if (!fileName.endsWith(WalFile.GZ) || !files.containsKey(f.name())) {
                        files.put(f.name(), p);
                    }
                });
            });
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", dir, e.toString());
        }
        return files;
    }

    /** The archived file named {@code name} (either form), or null. */
    public Path walFile(int generation, String name) {
        Path plain = walDir(generation).resolve(name);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gz = walDir(generation).resolve(name + WalFile.GZ);
        return Files.exists(gz) ? gz : null;
    }

    /** The complete base backups of a generation, oldest first; half-written ones are not listed. */
    public List<BaseBackupMeta> baseBackups(int generation) {
        List<BaseBackupMeta> backups = new ArrayList<>();
        Path dir = baseDir(generation);
        if (!Files.isDirectory(dir)) {
            return backups;
        }
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(p -> {
                Path meta = p.resolve(BaseBackupMeta.FILE);
                if (Files.isRegularFile(meta) && Files.isRegularFile(p.resolve(BaseBackupMeta.ARCHIVE))) {
                    try {
                        backups.add(BaseBackupMeta.parse(Files.readString(meta)));
                    } catch (IOException | IllegalArgumentException e) {
                        LOG.warn("Ignoring the base backup in {}: {}", p, e.getMessage());
                    }
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", dir, e.toString());
        }
        backups.sort(Comparator.comparing(BaseBackupMeta::stoppedAt));
        return backups;
    }

    public Path baseBackupDir(int generation, String id) {
        return baseDir(generation).resolve(id);
    }

    /** A generation's own record (when it began and why), or null when it has none. */
    public GenerationInfo generationInfo(int generation) {
        Path file = generationDir(generation).resolve(GenerationInfo.FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file)));
            return GenerationInfo.of(p);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {}: {}", file, e.toString());
            return null;
        }
    }

    /** Writes a generation's record (hadr's own file, not PostgreSQL's). */
    public void writeGenerationInfo(GenerationInfo info) {
        prepare(info.number());
        try {
            DurableFiles.writeAtomically(generationDir(info.number()).resolve(GenerationInfo.FILE), info.toText());
        } catch (IOException e) {
            throw new GeoDbException(
                    "cannot write the generation record in " + generationDir(info.number()) + ": " + e, e);
        }
    }

    /**
     * Why a database generation began.
     *
     * @param number the generation
     * @param startedAt when it began
     * @param reason e.g. "created" or "adopted restore 'before'"
     */
    public record GenerationInfo(int number, Instant startedAt, String reason) {
        public static final String FILE = "generation.properties";

        String toText() {
            return "number=" + number + "\nstartedAt=" + startedAt + "\nreason=" + reason.replace("\n", " ") + "\n";
        }

        static GenerationInfo of(Properties p) {
            return new GenerationInfo(
                    Integer.parseInt(p.getProperty("number")),
                    Instant.parse(p.getProperty("startedAt")),
                    p.getProperty("reason", ""));
        }
    }

    @Override
    public String toString() {
        return "backup store of " + region + " (" + root + ")";
    }
}
