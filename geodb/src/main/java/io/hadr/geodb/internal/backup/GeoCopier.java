package io.hadr.geodb.internal.backup;

import io.hadr.geodb.backup.InterRegionLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies what one region's backup store has and the other's lacks — WAL files, base backups,
 * generation records — like Azure's geo-redundant backup storage, so that a region that is gone
 * does not take its backups with it. Copies go through the {@link InterRegionLink}; each file is
 * written durably under a temporary name first and never replaces a file of the same name: a
 * name holding other content on the other side is a conflict, reported and left alone.
 */
public final class GeoCopier {

    private static final Logger LOG = LoggerFactory.getLogger(GeoCopier.class);

    private final InterRegionLink link;
    private final Set<String> conflicts = ConcurrentHashMap.newKeySet();

    public GeoCopier(InterRegionLink link) {
        this.link = link;
    }

    /** Conflicts found so far, one sentence each. */
    public List<String> conflicts() {
        return conflicts.stream().sorted().toList();
    }

    /**
     * Copies one pass from {@code from} to {@code to}, skipping what {@code retention} lets go.
     *
     * @return the number of files copied
     */
    public int copy(BackupStore from, BackupStore to, Retention retention) throws IOException {
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
                if (!looksLikeWal(source, file)) {
                    // A foreign file under a segment's name (the archive command refuses to replace
                    // it): copying it would plant it in the other store too, and bring it back
                    // after the operator moved it away.
                    if (conflicts.add(source + " is not a WAL segment of " + WalFile.SEGMENT_SIZE + " bytes; it is not copied")) {
                        LOG.error("Geo-copy skips {}: not a WAL segment", source);
                    }
                    continue;
                }
                Path target = to.walDir(generation).resolve(source.getFileName().toString());
                copied += copyFile(from, to, source, target, to.walFile(generation, e.getKey())) ? 1 : 0;
            }
            for (BaseBackupMeta backup : from.baseBackups(generation)) {
                if (Files.exists(to.baseBackupDir(generation, backup.id())) || retention.deletes(generation, backup.id())) {
                    continue;
                }
                copyBackup(from, to, generation, backup.id());
                copied++;
            }
        }
        return copied;
    }

    /** An uncompressed segment has PostgreSQL's segment size; compressed ones are checked when read. */
    private static boolean looksLikeWal(Path source, WalFile file) throws IOException {
        if (file.kind() != WalFile.Kind.SEGMENT || source.getFileName().toString().endsWith(WalFile.GZ)) {
            return true;
        }
        try {
            return Files.size(source) == WalFile.SEGMENT_SIZE;
        } catch (java.nio.file.NoSuchFileException e) {
            return true; // compressed or removed meanwhile: copyFile sees that
        }
    }

    private boolean copyFile(BackupStore from, BackupStore to, Path source, Path target, Path existing)
            throws IOException {
        DurableFiles.Outcome outcome;
        try {
            outcome = DurableFiles.copyNoClobber(source, target, existing,
                    (in, out) -> link.transfer(from.region(), to.region(), in, out));
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // compressed or removed by retention meanwhile: the next pass sees it again
        }
        if (outcome == DurableFiles.Outcome.CONFLICT) {
            String conflict = target + " holds other content than " + source + "; it is not overwritten";
            if (conflicts.add(conflict)) {
                LOG.error("Geo-copy conflict: {}", conflict);
            }
            return false;
        }
        return outcome == DurableFiles.Outcome.COPIED;
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
                try (var in = Files.newInputStream(file); var out = Files.newOutputStream(copy)) {
                    link.transfer(from.region(), to.region(), in, out);
                }
                DurableFiles.fsync(copy);
            }
        }
        DurableFiles.fsyncDirectory(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsyncDirectory(target.getParent());
        LOG.info("Geo-copied base backup {} from {} to {}", id, from.region(), to.region());
    }
}
