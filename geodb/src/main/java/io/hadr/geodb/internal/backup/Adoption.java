package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.internal.FailoverGroup;
import io.hadr.geodb.internal.GroupProbe;
import io.hadr.geodb.internal.Listeners;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.RoleSettings;
import io.hadr.geodb.internal.Seeding;
import io.hadr.geodb.internal.SelfHealer;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.SyncCommit;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a restored server into service, the equivalent of pointing the connection string at a
 * restored Azure SQL database: its data becomes the failover group's primary in its region, the
 * former primary's data is moved aside (kept as long as the retention window keeps the former
 * database's backups, see {@link Leftovers}), the geo-secondary is rebuilt from the new primary, and the listeners lead to it, so the apps serve the restored data behind the same
 * endpoint. A new database generation begins: the adopted data has backups of its own from now
 * on, starting with a base backup taken before this returns.
 */
public final class Adoption {

    private static final Logger LOG = LoggerFactory.getLogger(Adoption.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final BackupContext context;
    private final Restores restores;
    private final BaseBackups baseBackups;
    private final Seeding seeding;
    private final SyncCommit sync;
    private final SelfHealer healer;

    public Adoption(
            BackupContext context,
            Restores restores,
            BaseBackups baseBackups,
            Seeding seeding,
            SyncCommit sync,
            SelfHealer healer) {
        this.context = context;
        this.restores = restores;
        this.baseBackups = baseBackups;
        this.seeding = seeding;
        this.sync = sync;
        this.healer = healer;
    }

    /** Adopts the restore {@code name}; the caller holds the group's operation lock. */
    public AdoptReport run(String name, Steps steps) {
        long started = System.nanoTime();
        RestoreRegistry.Entry entry = context.registry().get(name);
        PostgresServer restored = restores.running(name);
        FailoverGroup group = context.group().group();
        PostgresServer slot = group.server(entry.region());
        PostgresServer other = group.other(slot);
        PostgresServer oldPrimary = group.primary();
        ServerRole slotRole = group.role(slot);
        if (slotRole != ServerRole.PRIMARY && slotRole != ServerRole.SECONDARY) {
            throw new GeoDbException("cannot adopt '" + name + "' into region '" + slot.name() + "': its server is "
                    + slotRole + "; bring the region up (it is then rebuilt as the secondary) or fail over first");
        }
        boolean otherWasRunning = other.processAlive();
        List<String> done = new ArrayList<>();
        Steps recorded = new Steps((step, at) -> {
            done.add(step + " (" + at.toMillis() + " ms)");
            steps.note(step);
        });
        Listeners listeners = context.group().listeners();
        String why = "adopting restore '" + name + "'";
        group.beginFailover(why + " into '" + slot.name() + "'");
        Path keptAside;
        Instant keptAt;
        try {
            healer.holdDown(slot);
            healer.holdDown(other);
            listeners.hold(listeners.readWrite(), Duration.ZERO, why);
            listeners.hold(listeners.readOnly(), Duration.ZERO, why);
            if (oldPrimary.state() == ServerState.RUNNING) {
                try {
                    // What the old data wrote up to now stays restorable in its generation.
                    baseBackups.pushWal(Duration.ofSeconds(30), recorded);
                } catch (RuntimeException e) {
                    LOG.warn("Could not archive the old primary's last WAL before adopting: {}", e.getMessage());
                }
            }
            keptAt = context.clock();
            keptAside = keepAside(oldPrimary, name, keptAt);
            recorded.note("former primary '" + oldPrimary.name() + "' stopped; its data kept aside in " + keptAside);
            if (slot != oldPrimary) {
                slot.stop(context.config().timeouts().shutdown(), why);
                slot.files().wipeData();
            }
            restored.stop(context.config().timeouts().shutdown(), why);
            moveData(restored.files().dataDir(), slot.files().dataDir());
            recorded.note("data of '" + name + "' moved into the server of '" + slot.name() + "'");

            int generation = context.generation() + 1;
            Instant now = context.clock();
            for (BackupStore store : context.stores()) {
                store.writeGenerationInfo(new BackupStore.GenerationInfo(
                        generation,
                        now,
                        "adopted restore '" + name + "' (" + entry.target() + ", reached " + entry.reachedLsn() + ")"));
            }
            context.generation(generation);
            for (PostgresServer server : group.servers()) {
                server.archiving(context.archiving(server));
            }
            if (slot != oldPrimary) {
                Map<PostgresServer, ServerRole> moves = new LinkedHashMap<>();
                oldPrimary.files().markFenced("replaced by the adopted restore '" + name + "'");
                moves.put(oldPrimary, ServerRole.FENCED);
                moves.put(slot, ServerRole.PRIMARY);
                group.moveRoles(why, moves);
            }
            slot.recovery(null);
            slot.writeConfig(RoleSettings.primary(null, false));
            slot.files().prepareDirectories();
            slot.markStopped(why);
            slot.start(context.config().timeouts().startup(), why);
            archiveHistory(slot, context.store(slot.name()), generation);
            sync.reset();
            listeners.point(listeners.readWrite(), slot, why);
            recorded.note(
                    "'" + slot.name() + "' serves the adopted data as the primary (generation " + generation + ")");

            PostgresServer secondary = group.other(slot);
            if (otherWasRunning) {
                seeding.reseed(secondary, slot, why);
                listeners.point(listeners.readOnly(), secondary, why);
                recorded.note("'" + secondary.name() + "' rebuilt from it as the geo-secondary");
            } else {
                fence(group, secondary, why);
                recorded.note(
                        "'" + secondary.name() + "' is down; it is rebuilt as the secondary when its region is up");
            }
            sync.update();
            restores.adopted(name);
            baseBackups.take(recorded, "first base backup of the adopted data");
        } finally {
            healer.release(slot);
            if (otherWasRunning) {
                healer.release(other);
            }
            GroupProbe.Observation o = new GroupProbe(context.group()).observe();
            group.endFailover(o.primaryServes(), o.secondaryStreams(), why + " ended");
        }
        context.event(
                name,
                null,
                slot.name(),
                "adopted: now the primary's data; former data kept in " + keptAside + " until "
                        + keptAt.plus(context.settings().retention()));
        PostgresServer secondary = group.secondary();
        return new AdoptReport(
                name,
                slot.name(),
                secondary == null ? null : secondary.name(),
                keptAside,
                context.generation(),
                done,
                Duration.ofNanos(System.nanoTime() - started),
                keptAt.plus(context.settings().retention()));
    }

    /** Stops the old primary and moves its data directory aside with a note saying what it is. */
    private Path keepAside(PostgresServer oldPrimary, String name, Instant keptAt) {
        if (oldPrimary.processAlive()) {
            oldPrimary.stop(context.config().timeouts().shutdown(), "replaced by the adopted restore '" + name + "'");
        } else {
            oldPrimary.markStopped("replaced by an adopted restore");
        }
        Path kept =
                Leftovers.keptRoot(context.config().dataRoot()).resolve(oldPrimary.name() + "-" + STAMP.format(keptAt));
        try {
            Files.createDirectories(kept);
            // First, so that a look at the leftovers meanwhile sees what it is and since when.
            Leftovers.recordKept(kept, oldPrimary.name(), name, keptAt);
            if (Files.exists(oldPrimary.files().dataDir())) {
                moveData(oldPrimary.files().dataDir(), kept.resolve("data"));
            }
            Files.writeString(
                    kept.resolve("NOTE.txt"),
                    "The data of '" + oldPrimary.name() + "' when it was primary, "
                            + "kept aside by hadr when the restore '" + name + "' was adopted at " + keptAt + ".\n"
                            + "No server uses it. hadr lists it with the backups ('hadr db backups') and removes it once the "
                            + "backup retention window (" + context.settings().retention()
                            + ") has passed since then, at "
                            + keptAt.plus(context.settings().retention())
                            + ", when the former database's backups leave the "
                            + "window too.\nDelete it yourself sooner if it is not needed.\n");
        } catch (IOException e) {
            throw new GeoDbException(
                    "cannot keep the data of '" + oldPrimary.name() + "' aside in " + kept + ": " + e, e);
        }
        return kept;
    }

    private static void moveData(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            io.hadr.geodb.internal.Trees.delete(to);
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GeoDbException("cannot move " + from + " to " + to + ": " + e, e);
        }
    }

    /**
     * The adopted server's timeline history files into the new generation's store: they were
     * made while it did not archive, and a restore of this generation follows them.
     */
    private static void archiveHistory(PostgresServer server, BackupStore store, int generation) {
        Path walDir = server.files().dataDir().resolve("pg_wal");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(walDir, "*.history")) {
            for (Path file : files) {
                Path target =
                        store.walDir(generation).resolve(file.getFileName().toString());
                DurableFiles.copyNoClobber(
                        file,
                        target,
                        store.walFile(generation, file.getFileName().toString()),
                        DurableFiles.Transfer.DIRECT);
            }
        } catch (IOException e) {
            throw new GeoDbException("cannot archive the timeline history of '" + server.name() + "': " + e, e);
        }
    }

    private static void fence(FailoverGroup group, PostgresServer server, String why) {
        ServerRole role = group.role(server);
        server.files().markFenced(why);
        if (role == ServerRole.SECONDARY) {
            group.moveRole(server, ServerRole.RESEEDING, why);
        }
        if (group.role(server) == ServerRole.RESEEDING) {
            group.moveRole(server, ServerRole.FENCED, why);
        }
    }
}
