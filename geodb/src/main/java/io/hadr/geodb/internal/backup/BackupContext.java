package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerState;
import io.hadr.geodb.backup.BackupSettings;
import io.hadr.geodb.internal.GroupContext;
import io.hadr.geodb.internal.PgProcesses;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.WalArchiving;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the backup procedures share: the group, the settings, one store per region, the archive
 * scripts, the catalog of what the stores hold, the primary's sampled write positions, the
 * restored servers, and the current database generation.
 */
public final class BackupContext {

    /** What the housekeeper last saw in every store, for status without reading the stores again. */
    public record Snapshot(
            Instant at,
            Map<String, List<Catalog.GenerationView>> views,
            Long primaryLsn,
            long archiveFailures,
            String lastArchiveFailure) {
        public static final Snapshot EMPTY = new Snapshot(Instant.EPOCH, Map.of(), null, 0, null);
    }

    private final GroupContext group;
    private final BackupSettings settings;
    private final PgProcesses launcher;
    private final Path storeRoot;
    private final Path restoresRoot;
    private final Map<String, BackupStore> stores = new LinkedHashMap<>();
    private final Catalog catalog = new Catalog();
    private final LsnHistory lsns = new LsnHistory(Duration.ofHours(6));
    private final GeoCopier copier;
    private final Map<String, PostgresServer> restored = new ConcurrentHashMap<>();
    /** Restores being made or verified now, by name: their directories are not left over. */
    private final java.util.Set<String> restoresInUse = ConcurrentHashMap.newKeySet();

    private final AtomicInteger generation = new AtomicInteger(1);
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.EMPTY);
    private ArchiveScripts scripts;
    private RestoreRegistry registry;

    public BackupContext(GroupContext group, PgProcesses launcher) {
        this.group = group;
        this.settings = group.config().backups();
        this.launcher = launcher;
        Path dataRoot = group.config().dataRoot();
        this.storeRoot = settings.storeRoot() != null ? settings.storeRoot() : dataRoot.resolve("backups");
        this.restoresRoot = dataRoot.resolve("restores");
        for (PostgresServer server : group.group().servers()) {
            stores.put(
                    server.name(),
                    new BackupStore(server.name(), storeRoot.resolve(server.name()), launcher.account()));
        }
        this.copier = new GeoCopier(new LinkCrossing(group.routes().link()));
    }

    /** Writes the scripts, creates the stores and learns the current generation. */
    void prepare() {
        scripts = ArchiveScripts.install(storeRoot);
        launcher.account().checkCanReach(storeRoot);
        int newest = stores.values().stream()
                .flatMap(s -> s.generations().stream())
                .mapToInt(Integer::intValue)
                .max()
                .orElse(1);
        generation.set(newest);
        for (BackupStore store : stores.values()) {
            store.prepare(newest);
            try {
                Leftovers.recordStoreOwner(store.root(), group.config().dataRoot());
            } catch (java.io.IOException e) {
                throw new GeoDbException("cannot write whose the backup store " + store.root() + " is: " + e, e);
            }
            if (store.generationInfo(newest) == null) {
                store.writeGenerationInfo(
                        new BackupStore.GenerationInfo(newest, clock(), newest == 1 ? "created" : "resumed"));
            }
        }
        registry = new RestoreRegistry(restoresRoot);
    }

    public GeoDbConfig config() {
        return group.config();
    }

    public GroupContext group() {
        return group;
    }

    public BackupSettings settings() {
        return settings;
    }

    public PgProcesses launcher() {
        return launcher;
    }

    public Path storeRoot() {
        return storeRoot;
    }

    public Path restoresRoot() {
        return restoresRoot;
    }

    public ArchiveScripts scripts() {
        return scripts;
    }

    public Catalog catalog() {
        return catalog;
    }

    public LsnHistory lsns() {
        return lsns;
    }

    public GeoCopier copier() {
        return copier;
    }

    public RestoreRegistry registry() {
        return registry;
    }

    /** The restored servers that run (or ran) in this process, by name. */
    public Map<String, PostgresServer> restored() {
        return restored;
    }

    /** Restores being made or verified now. */
    public java.util.Set<String> restoresInUse() {
        return java.util.Set.copyOf(restoresInUse);
    }

    /**
     * Marks the restore directory {@code name} as in use until the returned handle is closed, so
     * that it is not taken for the leftover of a restore that never finished.
     */
    public InUse useRestoreDirectory(String name) {
        restoresInUse.add(name);
        return () -> restoresInUse.remove(name);
    }

    /** A restore directory in use; closing it ends the use. */
    @FunctionalInterface
    public interface InUse extends AutoCloseable {
        @Override
        void close();
    }

    public int generation() {
        return generation.get();
    }

    void generation(int value) {
        generation.set(value);
    }

    public Snapshot snapshot() {
        return snapshot.get();
    }

    void snapshot(Snapshot value) {
        snapshot.set(value);
    }

    public Instant clock() {
        return group.config().clock().instant();
    }

    /** Every region's store, in the order of the servers. */
    public List<BackupStore> stores() {
        return new ArrayList<>(stores.values());
    }

    /**
     * A region's store.
     *
     * @throws IllegalArgumentException naming the regions there are
     */
    public BackupStore store(String region) {
        BackupStore store = stores.get(region);
        if (store == null) {
            throw new IllegalArgumentException("no region '" + region + "'; the regions are " + stores.keySet());
        }
        return store;
    }

    /** The store of the other region. */
    public BackupStore other(BackupStore store) {
        return stores.values().stream().filter(s -> s != store).findFirst().orElseThrow();
    }

    /** Where {@code server} archives in the current generation. */
    public WalArchiving archiving(PostgresServer server) {
        return new WalArchiving(
                scripts.archiveCommand(store(server.name()).walDir(generation())), settings.archiveTimeout());
    }

    /** Every generation of a store, as a restore sees it (oldest first). */
    public List<Catalog.GenerationView> views(BackupStore store) {
        List<Catalog.GenerationView> views = new ArrayList<>();
        for (int g : store.generations()) {
            views.add(catalog.view(store, g));
        }
        return views;
    }

    /**
     * The primary, running.
     *
     * @throws GeoDbException naming it and its state when it does not run
     */
    public PostgresServer runningPrimary(String forWhat) {
        PostgresServer primary = group.group().primary();
        if (primary == null || primary.state() != ServerState.RUNNING) {
            throw new GeoDbException(forWhat + " needs the primary, but '" + (primary == null ? "?" : primary.name())
                    + "' is " + (primary == null ? "unknown" : primary.state()) + "; bring it up or fail over first");
        }
        return primary;
    }

    /** Reports a backup event. */
    public void event(String subject, Object from, Object to, String reason) {
        group.events().emit(GeoDbEvent.Kind.BACKUP, subject, from, to, reason);
    }
}
