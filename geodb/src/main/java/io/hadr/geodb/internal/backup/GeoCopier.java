package io.hadr.geodb.internal.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies what one region's backup store has and the other's lacks — WAL files, base backups,
 * generation records — like Azure's geo-redundant backup storage, so that a region that is gone
 * does not take its backups with it. Copies cross between the regions through a {@link Crossing}
 * (the inter-region link in the group); each file is written durably under a temporary name
 * first and never replaces a file of the same name: a name holding other content on the other
 * side is a conflict, reported and left alone.
 *
 * <p>A conflict is checked again on every pass and forgotten as soon as it no longer holds (the
 * file was moved away, or the two files became the same), so the list says what is wrong now.
 */
public final class GeoCopier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GeoCopier.class);

    /** Why a file is left alone. */
    enum Kind {
        /** A file under a WAL segment's name that is not a segment: it is not copied. */
        NOT_A_SEGMENT,
        /** The other store holds other content under the same name: it is not overwritten. */
        OTHER_CONTENT
    }

    /**
     * A file the copy leaves alone. {@code source} and {@code target} are the uncompressed names;
     * either may be found compressed later. {@code seen} is what both looked like when last
     * compared, so that an unchanged conflict is not read again on every pass.
     */
    private record Conflict(Kind kind, String from, String to, Path source, Path target, Stamp seen) {

        String sentence() {
            return switch (kind) {
                case NOT_A_SEGMENT ->
                    source + " is not a WAL segment of " + WalFile.SEGMENT_SIZE + " bytes; it is not "
                            + "copied to the store of '" + to + "'";
                case OTHER_CONTENT -> target + " holds other content than " + source + "; it is not overwritten";
            };
        }
    }

    /** Which files (either form) and at which size and time; equal stamps mean nothing changed. */
    private record Stamp(
            Path source, long sourceSize, long sourceModified, Path target, long targetSize, long targetModified) {

        static Stamp of(Path source, Path target) throws IOException {
            return new Stamp(
                    source,
                    Files.size(source),
                    Files.getLastModifiedTime(source).toMillis(),
                    target,
                    target == null ? -1 : Files.size(target),
                    target == null ? -1 : Files.getLastModifiedTime(target).toMillis());
        }
    }

    private final Crossing crossing;
    /** By the uncompressed name of the file on the source side. */
    private final Map<Path, Conflict> conflicts = new ConcurrentHashMap<>();

    public GeoCopier(Crossing crossing) {
        this.crossing = Objects.requireNonNull(crossing, "crossing must not be null");
    }

    /** The conflicts that hold now, one sentence each. */
    public List<String> conflicts() {
        return conflicts.values().stream().map(Conflict::sentence).sorted().toList();
    }

    /** What keeps copies from reaching the other region now: conflicts and copies waiting on the link. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(conflicts());
        problems.addAll(crossing.waiting());
        return problems;
    }

    /**
     * Copies one pass from {@code from} to {@code to}, skipping what {@code retention} lets go,
     * after checking again the conflicts found before in this direction.
     *
     * @return the number of files copied
     */
    public int copy(BackupStore from, BackupStore to, Retention retention) throws IOException {
        recheck(from, to);
        int copied = 0;
        for (int generation : from.generations()) {
            if (retention.deleteGenerations().contains(generation)) {
                continue;
            }
            to.prepare(generation);
            Path info = from.generationDir(generation).resolve(BackupStore.GenerationInfo.FILE);
            Path infoCopy = to.generationDir(generation).resolve(BackupStore.GenerationInfo.FILE);
            if (Files.isRegularFile(info) && !Files.exists(infoCopy)) {
                copied += copyFile(from, to, info, infoCopy, null) ? 1 : 0;
            }
            Map<String, Path> theirs = to.walFiles(generation);
            // WAL first: a base backup is of use in the other region only with its WAL there.
            for (Map.Entry<String, Path> e : from.walFiles(generation).entrySet()) {
                WalFile file = WalFile.parse(e.getKey()).orElseThrow();
                if (theirs.containsKey(e.getKey()) || retention.deletes(generation, file)) {
                    continue;
                }
                Path source = e.getValue();
                Path target = to.walDir(generation).resolve(source.getFileName().toString());
                if (!looksLikeWal(source, file)) {
                    // A foreign file under a segment's name (the archive command refuses to replace
                    // it): copying it would plant it in the other store too, and bring it back
                    // after the operator moved it away.
                    conflict(new Conflict(
                            Kind.NOT_A_SEGMENT, from.region(), to.region(), plain(source), plain(target), null));
                    continue;
                }
                copied += copyFile(from, to, source, target, to.walFile(generation, e.getKey())) ? 1 : 0;
            }
            for (BaseBackupMeta backup : from.baseBackups(generation)) {
                if (Files.exists(to.baseBackupDir(generation, backup.id()))
                        || retention.deletes(generation, backup.id())) {
                    continue;
                }
                copyBackup(from, to, generation, backup.id());
                copied++;
            }
        }
        crossing.passed(from.region(), to.region());
        return copied;
    }

    /** Forgets the conflicts of this direction that no longer hold. */
    private void recheck(BackupStore from, BackupStore to) {
        for (Conflict c : List.copyOf(conflicts.values())) {
            if (!c.from().equals(from.region()) || !c.to().equals(to.region())) {
                continue;
            }
            try {
                Conflict now = stillHolds(c);
                if (now == null) {
                    conflicts.remove(c.source(), c);
                    LOG.info("Geo-copy conflict resolved: {}", c.sentence());
                } else if (now != c) {
                    conflicts.replace(c.source(), c, now);
                }
            } catch (IOException e) {
                // Changing under our feet (compressed, moved): looked at again on the next pass.
                LOG.debug("Cannot check the geo-copy conflict on {} again: {}", c.source(), e.toString());
            }
        }
    }

    /** The conflict as it holds now (with a fresh stamp when it was compared again), or null when it does not. */
    private static Conflict stillHolds(Conflict c) throws IOException {
        Path source = existing(c.source());
        if (source == null) {
            return null;
        }
        if (c.kind() == Kind.NOT_A_SEGMENT) {
            return looksLikeWal(
                            source,
                            WalFile.parse(c.source().getFileName().toString()).orElseThrow())
                    ? null
                    : c;
        }
        Path target = existing(c.target());
        if (target == null) {
            return null;
        }
        Stamp stamp = Stamp.of(source, target);
        if (stamp.equals(c.seen())) {
            return c;
        }
        return DurableFiles.sameContent(source, target)
                ? null
                : new Conflict(c.kind(), c.from(), c.to(), c.source(), c.target(), stamp);
    }

    private void conflict(Conflict c) {
        if (conflicts.putIfAbsent(c.source(), c) == null) {
            LOG.error("Geo-copy conflict: {}", c.sentence());
        }
    }

    /** A store file's name without {@code .gz}. */
    private static Path plain(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(WalFile.GZ)
                ? file.resolveSibling(name.substring(0, name.length() - WalFile.GZ.length()))
                : file;
    }

    /** The file under its plain or its compressed name, or null when neither is there. */
    private static Path existing(Path plain) {
        if (Files.exists(plain)) {
            return plain;
        }
        Path gz = plain.resolveSibling(plain.getFileName() + WalFile.GZ);
        return Files.exists(gz) ? gz : null;
    }

    /** An uncompressed segment has PostgreSQL's segment size; compressed ones are checked when read. */
    private static boolean looksLikeWal(Path source, WalFile file) throws IOException {
        if (file.kind() != WalFile.Kind.SEGMENT
                || source.getFileName().toString().endsWith(WalFile.GZ)) {
            return true;
        }
        try {
            return Files.size(source) == WalFile.SEGMENT_SIZE;
        } catch (NoSuchFileException e) {
            return true; // compressed or removed meanwhile: copyFile sees that
        }
    }

    private boolean copyFile(BackupStore from, BackupStore to, Path source, Path target, Path existing)
            throws IOException {
        DurableFiles.Outcome outcome;
        try {
            outcome = DurableFiles.copyNoClobber(
                    source, target, existing, (in, out) -> crossing.transfer(from.region(), to.region(), in, out));
        } catch (NoSuchFileException e) {
            return false; // compressed or removed by retention meanwhile: the next pass sees it again
        }
        if (outcome == DurableFiles.Outcome.CONFLICT) {
            Path other = existing != null ? existing : target;
            conflict(new Conflict(
                    Kind.OTHER_CONTENT,
                    from.region(),
                    to.region(),
                    plain(source),
                    plain(target),
                    stampOrNull(source, other)));
            return false;
        }
        conflicts.remove(plain(source));
        return outcome == DurableFiles.Outcome.COPIED;
    }

    private static Stamp stampOrNull(Path source, Path target) {
        try {
            return Stamp.of(source, target);
        } catch (IOException e) {
            return null; // compared again on the next pass
        }
    }

    private void copyBackup(BackupStore from, BackupStore to, int generation, String id) throws IOException {
        Path source = from.baseBackupDir(generation, id);
        Path target = to.baseBackupDir(generation, id);
        Path temp = target.resolveSibling(".copy-" + id);
        io.hadr.geodb.internal.Trees.delete(temp);
        Files.createDirectories(temp);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Path copy = temp.resolve(file.getFileName().toString());
                try (var in = Files.newInputStream(file);
                        var out = Files.newOutputStream(copy)) {
                    crossing.transfer(from.region(), to.region(), in, out);
                }
                DurableFiles.fsync(copy);
            }
        }
        DurableFiles.fsyncDirectory(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsyncDirectory(target.getParent());
        LOG.info("Geo-copied base backup {} from {} to {}", id, from.region(), to.region());
    }

    /** Abandons copies under way (the group is closing). */
    @Override
    public void close() {
        if (crossing instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing the geo-copy's crossing: {}", e.toString());
            }
        }
    }
}
