package io.hadr.geodb.internal.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the retention window lets go, like Azure SQL's PITR retention: to restore to any point
 * in the window, the newest base backup that ended before the window began must stay, with every
 * WAL file from its start on. Base backups older than that one, the WAL before it and whole
 * generations before it go; the newest base backup and the current generation always stay.
 *
 * @param deleteBackups base backups that may go (by generation and id)
 * @param keepSegmentsFrom per generation, the first segment number that must stay
 * @param deleteGenerations generations that may go entirely
 */
public record Retention(
        List<BaseBackupMeta> deleteBackups, Map<Integer, Long> keepSegmentsFrom, Set<Integer> deleteGenerations) {

    /** Nothing goes. */
    public static final Retention KEEP_ALL = new Retention(List.of(), Map.of(), Set.of());

    /**
     * @param views one store's generations, oldest first
     * @param windowStart now minus the retention period
     */
    public static Retention decide(List<Catalog.GenerationView> views, Instant windowStart) {
        if (views.isEmpty()) {
            return KEEP_ALL;
        }
        int current = views.get(views.size() - 1).generation();
        List<BaseBackupMeta> all = new ArrayList<>();
        views.forEach(v -> all.addAll(v.backups()));
        all.sort(Comparator.comparing(BaseBackupMeta::stoppedAt));
        BaseBackupMeta anchor = all.stream()
                .filter(b -> b.stoppedAt().isBefore(windowStart))
                .reduce((a, b) -> b)
                .orElse(null);
        if (anchor == null) {
            return KEEP_ALL;
        }
        BaseBackupMeta newest = all.get(all.size() - 1);
        List<BaseBackupMeta> delete = all.stream()
                .filter(b -> b.stoppedAt().isBefore(anchor.stoppedAt()) && b != newest)
                .toList();
        Set<BaseBackupMeta> kept = new HashSet<>(all);
        kept.removeAll(delete);
        Map<Integer, Long> keepFrom = new HashMap<>();
        Set<Integer> deleteGenerations = new HashSet<>();
        for (Catalog.GenerationView view : views) {
            int g = view.generation();
            long from = kept.stream()
                    .filter(b -> b.generation() == g)
                    .mapToLong(BaseBackupMeta::startSegno)
                    .min()
                    .orElse(-1);
            if (from >= 0) {
                keepFrom.put(g, from);
            } else if (g < anchor.generation() && g != current) {
                deleteGenerations.add(g);
            }
        }
        return new Retention(delete, keepFrom, deleteGenerations);
    }

    /** Whether an archived file of {@code generation} may go. */
    public boolean deletes(int generation, WalFile file) {
        if (deleteGenerations.contains(generation)) {
            return true;
        }
        Long from = keepSegmentsFrom.get(generation);
        return from != null && file.kind() != WalFile.Kind.HISTORY && file.segno() < from;
    }

    /** Whether a base backup may go. */
    public boolean deletes(int generation, String backupId) {
        return deleteGenerations.contains(generation)
                || deleteBackups.stream().anyMatch(b -> b.generation() == generation && b.id().equals(backupId));
    }

    public boolean deletesNothing() {
        return deleteBackups.isEmpty() && deleteGenerations.isEmpty() && keepSegmentsFrom.isEmpty();
    }
}
