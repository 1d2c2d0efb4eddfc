package io.hadr.geodb.internal.backup;

import io.hadr.geodb.backup.Leftover;
import io.hadr.geodb.internal.StateFile;
import io.hadr.geodb.internal.Trees;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the backups leave on disk that nothing uses any more, and its removal once the retention
 * window has passed over it (see {@link Leftover}): the former primary's data that an adopt
 * kept aside ({@code <dataRoot>/kept/<server>-<time>}, idle since it was kept), backup stores in
 * the store root that belong to no server of a failover group that exists (idle since their last
 * file was written), and directories of restores that never finished (the same). No restore
 * reads any of them: restores read the servers' own stores, so removing them never shortens the
 * restorable range; a restore inside the window can still reach any point before an adopt
 * through the former generation's backups, which the window keeps as long as it keeps the data
 * kept aside.
 */
public final class Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
    /** Beside the data an adopt kept aside: whose it was, and when it was kept. */
    static final String KEPT_RECORD = "kept.properties";
    /** In each store's directory: the data root of the failover group it belongs to. */
    static final String STORE_RECORD = "store.properties";

    /**
     * Where leftovers may be and what is in use.
     *
     * @param dataRoot the failover group's data root
     * @param storeRoot where the regions' stores are
     * @param servers the group's servers (each has a store of its name)
     * @param restoresRoot where restores are made
     * @param restoresInUse restores that exist or are being made, by name
     */
    record Places(Path dataRoot, Path storeRoot, Set<String> servers, Path restoresRoot, Set<String> restoresInUse) {}

    private final BackupContext context;

    Leftovers(BackupContext context) {
        this.context = context;
    }

    /** Where an adopt keeps the former primary's data. */
    static Path keptRoot(Path dataRoot) {
        return dataRoot.resolve("kept");
    }

    /** What is left over now, oldest first. */
    public List<Leftover> find() {
        return find(places(), context.settings().retention());
    }

    /** Removes what the retention window lets go at {@code now}. */
    public void removeExpired(Instant now) {
        for (Leftover leftover : find()) {
            if (now.isBefore(leftover.removedAfter())) {
                continue;
            }
            try {
                Trees.delete(leftover.path());
                LOG.info(
                        "Retention {}: removed {} ({}, {} MB, idle since {})",
                        context.settings().retention(),
                        leftover.path(),
                        leftover.what(),
                        leftover.bytes() >> 20,
                        leftover.since());
                context.event(
                        leftover.path().getFileName().toString(),
                        null,
                        null,
                        "retention removed " + leftover.what() + " in " + leftover.path());
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("Cannot remove {} ({}): {}", leftover.path(), leftover.what(), e.toString());
            }
        }
    }

    private Places places() {
        Set<String> inUse = new java.util.HashSet<>(context.restoresInUse());
        context.registry().entries().forEach(e -> inUse.add(e.name()));
        return new Places(
                context.config().dataRoot(),
                context.storeRoot(),
                Set.copyOf(context.group().group().servers().stream()
                        .map(s -> s.name())
                        .toList()),
                context.restoresRoot(),
                inUse);
    }

    /** What is left over in {@code places}, oldest first; each goes {@code retention} after it was last written. */
    static List<Leftover> find(Places places, Duration retention) {
        List<Leftover> found = new ArrayList<>();
        for (Path kept : directories(keptRoot(places.dataRoot()))) {
            Properties record = properties(kept.resolve(KEPT_RECORD));
            Instant since = record.getProperty("keptAt") != null
                    ? Instant.parse(record.getProperty("keptAt"))
                    : lastWritten(kept);
            String what = record.getProperty("server") != null
                    ? "the data of '" + record.getProperty("server")
                            + "' when it was primary, kept aside when the restore '" + record.getProperty("restore")
                            + "' was adopted"
                    : "the data of a former primary, kept aside when a restore was adopted";
            add(found, Leftover.Kind.FORMER_PRIMARY_DATA, kept, since, retention, what);
        }
        for (Path store : directories(places.storeRoot())) {
            String region = store.getFileName().toString();
            if (places.servers().contains(region) || !looksLikeStore(store)) {
                continue;
            }
            String owner = properties(store.resolve(STORE_RECORD)).getProperty("dataRoot");
            String what;
            if (owner == null) {
                what = "the backup store of '" + region
                        + "', which no server of this failover group has (made by hand, "
                        + "or by a group that never said whose it is)";
            } else if (normal(Path.of(owner)).equals(normal(places.dataRoot()))) {
                what = "the backup store of '" + region + "', which no server of this failover group has";
            } else if (Files.isRegularFile(Path.of(owner).resolve(StateFile.NAME))) {
                continue; // the store of another failover group that exists: not ours to judge
            } else {
                what = "the backup store of '" + region + "' of a failover group that no longer exists (its data root "
                        + owner + " is gone)";
            }
            add(found, Leftover.Kind.STORE_OF_NO_SERVER, store, lastWritten(store), retention, what);
        }
        for (Path restore : directories(places.restoresRoot())) {
            String name = restore.getFileName().toString();
            if (places.restoresInUse().contains(name)) {
                continue;
            }
            add(
                    found,
                    Leftover.Kind.ABANDONED_RESTORE,
                    restore,
                    lastWritten(restore),
                    retention,
                    "the files of the restore '" + name + "', which did not finish (hadr stopped while it ran)");
        }
        found.sort(Comparator.comparing(Leftover::since));
        return found;
    }

    private static Path normal(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private static void add(
            List<Leftover> found, Leftover.Kind kind, Path path, Instant since, Duration retention, String what) {
        found.add(new Leftover(kind, path, size(path), since, since.plus(retention), what));
    }

    /** A store has generation directories. */
    private static boolean looksLikeStore(Path dir) {
        return directories(dir).stream()
                .anyMatch(p -> p.getFileName().toString().matches("g[0-9]{1,6}"));
    }

    /** The directories in {@code dir} (none when it does not exist), hidden ones left out. */
    private static List<Path> directories(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            LOG.debug("Cannot list {}: {}", dir, e.toString());
            return List.of();
        }
    }

    /** When anything in {@code dir} was last written (the directory itself included). */
    private static Instant lastWritten(Path dir) {
        Instant[] newest = {Instant.EPOCH};
        walk(dir, attributes -> {
            Instant modified = attributes.lastModifiedTime().toInstant();
            if (modified.isAfter(newest[0])) {
                newest[0] = modified;
            }
        });
        return newest[0];
    }

    private static long size(Path dir) {
        long[] bytes = {0};
        walk(dir, attributes -> {
            if (attributes.isRegularFile()) {
                bytes[0] += attributes.size();
            }
        });
        return bytes[0];
    }

    private static void walk(Path dir, java.util.function.Consumer<BasicFileAttributes> each) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.forEach(p -> {
                try {
                    each.accept(Files.readAttributes(p, BasicFileAttributes.class));
                } catch (NoSuchFileException gone) {
                    // Removed while we looked.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Cannot read all of {}: {}", dir, e.toString());
        }
    }

    private static Properties properties(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try {
                p.load(new StringReader(Files.readString(file)));
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Cannot read {}: {}", file, e.toString());
            }
        }
        return p;
    }

    /** Writes the record beside data an adopt keeps aside. */
    static void recordKept(Path kept, String server, String restore, Instant keptAt) throws IOException {
        DurableFiles.writeAtomically(
                kept.resolve(KEPT_RECORD), "server=" + server + "\nrestore=" + restore + "\nkeptAt=" + keptAt + "\n");
    }

    /** Writes, once, whose a store is, so that another group sharing the store root can tell. */
    static void recordStoreOwner(Path store, Path dataRoot) throws IOException {
        Path record = store.resolve(STORE_RECORD);
        if (!Files.exists(record)) {
            DurableFiles.writeAtomically(
                    record,
                    "# hadr geodb: the data root of the failover group whose store this is\n" + "dataRoot="
                            + normal(dataRoot).toString().replace("\\", "\\\\") + "\n");
        }
    }
}
