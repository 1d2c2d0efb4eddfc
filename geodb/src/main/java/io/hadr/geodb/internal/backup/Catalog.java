package io.hadr.geodb.internal.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stores hold, generation by generation: the timeline path of each generation (its
 * newest timeline's history), its base backups on that path, and its archived WAL as a chain
 * from the oldest of them. Everything is read from the store's files; nothing is remembered that
 * the files do not say, so a store copied to another region tells the same.
 */
public final class Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    private final Map<String, WalIndex> indexes = new ConcurrentHashMap<>();

    /** One generation of one store as a restore sees it. */
    public record GenerationView(
            BackupStore store, int generation, TimelineHistory history, List<BaseBackupMeta> backups, WalChain chain) {

        /** The base backups a restore along this generation's history can start from, oldest first. */
        public List<BaseBackupMeta> usableBackups() {
            return backups.stream().filter(b -> usable(history, b)).toList();
        }
    }

    /** Whether a base backup lies on {@code history}: taken on one of its timelines before that one ended. */
    public static boolean usable(TimelineHistory history, BaseBackupMeta backup) {
        TimelineHistory.Entry e = history.entry(backup.timeline());
        return e != null && Long.compareUnsigned(backup.stopLsn(), e.end()) <= 0;
    }

    public WalIndex index(BackupStore store, int generation) {
        return indexes.computeIfAbsent(store.region() + "/" + generation, k -> new WalIndex(store, generation));
    }

    /** The newest timeline's history in a generation of a store (timeline 1 when it has no history file). */
    public TimelineHistory history(BackupStore store, int generation) {
        Map<String, Path> files = store.walFiles(generation);
        WalFile newest = files.keySet().stream()
                .map(WalFile::parse)
                .flatMap(java.util.Optional::stream)
                .filter(f -> f.kind() == WalFile.Kind.HISTORY)
                .max(Comparator.comparingInt(WalFile::timeline))
                .orElse(null);
        if (newest == null) {
            return TimelineHistory.first();
        }
        try {
            return TimelineHistory.parse(newest.timeline(), new String(DurableFiles.read(files.get(newest.name()))));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read the timeline history {} in {}: {}", newest.name(), store, e.toString());
            return TimelineHistory.first();
        }
    }

    /** A generation of a store: history, backups, and the WAL chain from its oldest usable backup. */
    public GenerationView view(BackupStore store, int generation) {
        TimelineHistory history = history(store, generation);
        List<BaseBackupMeta> backups = store.baseBackups(generation);
        long from = backups.stream()
                .filter(b -> usable(history, b))
                .mapToLong(BaseBackupMeta::startSegno)
                .min()
                .orElseGet(() -> oldestSegment(store, generation, history));
        WalChain chain = index(store, generation).chain(history, from);
        return new GenerationView(store, generation, history, backups, chain);
    }

    private static long oldestSegment(BackupStore store, int generation, TimelineHistory history) {
        return store.walFiles(generation).keySet().stream()
                .map(WalFile::parse)
                .flatMap(java.util.Optional::stream)
                .filter(f -> f.isSegment() && history.contains(f.timeline()))
                .mapToLong(WalFile::segno)
                .min()
                .orElse(0);
    }

    /** Removes summaries whose segment is gone from the store. */
    public void forgetMissing(BackupStore store, int generation) {
        Path dir = store.indexDir(generation);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Map<String, Path> files = store.walFiles(generation);
        try (var list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".summary"))
                    .map(n -> n.substring(0, n.length() - ".summary".length()))
                    .filter(n -> !files.containsKey(n))
                    .toList()
                    .forEach(n -> index(store, generation).forget(n));
        } catch (IOException e) {
            LOG.debug("Cannot list {}: {}", dir, e.toString());
        }
    }
}
