package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerState;
import io.hadr.geodb.backup.RestoreRefusedException;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.RoleSettings;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.Trees;
import io.hadr.geodb.internal.WalArchiving;
import io.hadr.toolkit.FreePorts;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point-in-time restores into new servers (never touching the live ones), the list of restored
 * servers, and dropping them. A restored server is an ordinary primary of its own on a port of
 * its own, under {@code <dataRoot>/restores/<name>}; it does not archive (its WAL is not the
 * group's) until it is adopted.
 */
public final class Restores {

    private static final Logger LOG = LoggerFactory.getLogger(Restores.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final DateTimeFormatter GENERATED =
            DateTimeFormatter.ofPattern("'restore-'yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** The longest a restore may replay. */
    static final Duration RESTORE_TIMEOUT = Duration.ofHours(2);
    /** How long a restore waits for the primary's current WAL to reach the store. */
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);

    private final BackupContext context;
    private final BaseBackups baseBackups;
    private final Object oneAtATime = new Object();

    public Restores(BackupContext context, BaseBackups baseBackups) {
        this.context = context;
        this.baseBackups = baseBackups;
    }

    /**
     * Restores to the request's target into a new server.
     *
     * @throws RestoreRefusedException when the target is outside what the store can restore
     * @throws IllegalArgumentException for a bad or taken name, or an unknown region
     */
    public RestoreResult restore(RestoreRequest request, Steps steps) {
        synchronized (oneAtATime) {
            long started = System.nanoTime();
            String name = request.name() != null ? request.name() : GENERATED.format(context.clock());
            checkName(name);
            PostgresServer primary = context.group().group().primary();
            String region = request.fromRegion() != null ? request.fromRegion() : primary.name();
            BackupStore store = context.store(region);
            boolean geo = !region.equals(primary.name());
            RestorePlanner.Plan plan;
            if (request.target() instanceof RestoreTarget.Latest && !geo && primary.state() == ServerState.RUNNING) {
                // "Latest" from a running primary means what it has committed until now, not what
                // archive_timeout happened to ship so far.
                steps.note("archiving the primary's current WAL, so the restore reaches what is committed now");
                baseBackups.pushWal(PUSH_TIMEOUT, steps);
            }
            try {
                plan = RestorePlanner.plan(context.views(store), request.target(), context.clock());
            } catch (RestoreRefusedException refused) {
                boolean archiveMayHelp = refused.reason() == RestoreRefusedException.Reason.BEYOND_ARCHIVE
                        || refused.reason() == RestoreRefusedException.Reason.UNKNOWN_MARK;
                if (geo || !archiveMayHelp || primary.state() != ServerState.RUNNING) {
                    throw refused;
                }
                // The target may be in WAL the primary has not archived yet: push it, then decide.
                steps.note("the target is not in the archive yet; archiving the primary's current WAL");
                baseBackups.pushWal(PUSH_TIMEOUT, steps);
                plan = RestorePlanner.plan(context.views(store), request.target(), context.clock());
            }
            steps.note("restoring " + plan.description() + " from base backup "
                    + plan.backup().id() + " in the store of '" + region + "' (generation "
                    + plan.view().generation() + ", timeline " + plan.timeline() + ")");
            int port = FreePorts.pick();
            PostgresServer server = server(name, port);
            try (BackupContext.InUse inUse = context.useRestoreDirectory(name)) {
                String command = context.scripts()
                        .restoreCommand(store.walDir(plan.view().generation()));
                Restorer.Reached reached = Restorer.replay(server, store, plan, command, RESTORE_TIMEOUT, steps);
                checkExact(request.target(), reached, plan);
                steps.note("reached " + Lsn.format(reached.lsn())
                        + (reached.commitTime() == null ? "" : ", last transaction " + reached.commitTime()));
                int timeline =
                        Restorer.promote(server, context.config().timeouts().startup());
                steps.note("promoted: '" + name + "' is a primary of its own (timeline " + timeline + ") on 127.0.0.1:"
                        + port);
                Instant now = context.clock();
                context.registry()
                        .put(new RestoreRegistry.Entry(
                                name,
                                region,
                                port,
                                now,
                                plan.description(),
                                plan.backup().id(),
                                reached.commitTime(),
                                Lsn.format(reached.lsn())));
                context.restored().put(name, server);
                long replayed = Math.max(0, reached.lsn() - plan.backup().startLsn());
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                context.event(
                        name,
                        null,
                        ServerState.RUNNING,
                        "restored " + plan.description() + " from the store of '" + region + "': reached "
                                + Lsn.format(reached.lsn()) + " in " + took.toMillis() + " ms");
                return new RestoreResult(
                        name,
                        region,
                        "127.0.0.1",
                        port,
                        request.target(),
                        plan.backup().id(),
                        reached.commitTime(),
                        Lsn.format(reached.lsn()),
                        replayed,
                        took);
            } catch (RuntimeException e) {
                Restorer.stopQuietly(server);
                deleteQuietly(name);
                context.event(name, null, null, "restore failed: " + e.getMessage());
                throw e;
            }
        }
    }

    /** A time target must not have gone past T; an LSN target (and the latest point) must have reached it. */
    private static void checkExact(RestoreTarget target, Restorer.Reached reached, RestorePlanner.Plan plan) {
        if (target instanceof RestoreTarget.AtTime t
                && reached.commitTime() != null
                && reached.commitTime().isAfter(t.time())) {
            throw new GeoDbException("the restore replayed a transaction that ended at " + reached.commitTime()
                    + ", after the target " + t.time() + "; it was stopped and is not kept");
        }
        // An LSN target and the latest point are both planned as an LSN the replay must reach.
        String lsn = plan.settings().get("recovery_target_lsn");
        if (lsn != null && Long.compareUnsigned(reached.lsn(), Lsn.parse(lsn)) < 0) {
            throw new GeoDbException("the restore stopped at " + Lsn.format(reached.lsn()) + ", before the target "
                    + plan.description() + "; it is not kept");
        }
    }

    private void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a restore's name is lower-case letters, digits and '-', starting with a "
                            + "letter, at most 40 characters, but was '" + name + "'");
        }
        if (context.group().group().servers().stream().anyMatch(s -> s.name().equals(name))) {
            throw new IllegalArgumentException("'" + name + "' is the name of a server of the failover group; choose "
                    + "another name for the restore");
        }
        if (context.registry().get(name) != null) {
            throw new IllegalArgumentException("a restore named '" + name + "' exists already; drop it first "
                    + "(drop-restore " + name + ") or choose another name");
        }
    }

    /** A server object for a restore, under the restores root. */
    PostgresServer server(String name, int port) {
        GeoDbConfig config = context.config();
        return new PostgresServer(
                name,
                context.restoresRoot(),
                port,
                context.launcher(),
                config.binaries().binDir(),
                context.group().group().stateFile().adminPassword(),
                config.connections(),
                config.settings(),
                context.group().events());
    }

    /** Starts the restored servers recorded before (after a restart of the group). */
    public void resume(Steps steps) {
        for (RestoreRegistry.Entry entry : context.registry().entries()) {
            PostgresServer server = server(entry.name(), entry.port());
            context.restored().put(entry.name(), server);
            if (!server.files().hasData()) {
                LOG.warn(
                        "The restored server '{}' has no data in {}; forgetting it",
                        entry.name(),
                        server.files().dataDir());
                context.registry().remove(entry.name());
                context.restored().remove(entry.name());
                continue;
            }
            try {
                server.archiving(WalArchiving.OFF);
                server.writeConfig(RoleSettings.primary(null, false));
                server.files().prepareDirectories();
                server.start(context.config().timeouts().startup(), "restored server resumed");
                steps.note("restored server '" + entry.name() + "' resumed on 127.0.0.1:" + entry.port());
            } catch (RuntimeException e) {
                LOG.warn("The restored server '{}' did not start: {}", entry.name(), e.getMessage());
            }
        }
    }

    /** The restored servers, by name. */
    public List<RestoredServer> list() {
        List<RestoredServer> list = new ArrayList<>();
        for (RestoreRegistry.Entry e : context.registry().entries()) {
            PostgresServer server = context.restored().get(e.name());
            list.add(new RestoredServer(
                    e.name(),
                    e.region(),
                    e.port(),
                    server == null ? "stopped" : server.state().name().toLowerCase(java.util.Locale.ROOT),
                    server == null ? null : server.pid(),
                    e.createdAt(),
                    e.target(),
                    e.baseBackup(),
                    e.reachedCommitTime(),
                    e.reachedLsn(),
                    context.restoresRoot().resolve(e.name()).resolve("data")));
        }
        return list;
    }

    /**
     * A restored server that runs.
     *
     * @throws IllegalArgumentException naming the restores there are
     */
    public PostgresServer running(String name) {
        PostgresServer server = context.restored().get(name);
        if (server == null || context.registry().get(name) == null) {
            throw new IllegalArgumentException("no restore named '" + name + "'; the restores are "
                    + context.registry().entries().stream()
                            .map(RestoreRegistry.Entry::name)
                            .toList());
        }
        if (server.state() != ServerState.RUNNING) {
            server.markStopped("starting again");
            server.start(context.config().timeouts().startup(), "restored server started again");
        }
        return server;
    }

    /** Stops a restored server and deletes it. */
    public void drop(String name) {
        if (context.registry().get(name) == null) {
            throw new IllegalArgumentException("no restore named '" + name + "'; the restores are "
                    + context.registry().entries().stream()
                            .map(RestoreRegistry.Entry::name)
                            .toList());
        }
        PostgresServer server = context.restored().remove(name);
        if (server != null) {
            server.stop(context.config().timeouts().shutdown(), "restore dropped");
        }
        context.registry().remove(name);
        deleteQuietly(name);
        context.event(name, ServerState.STOPPED, null, "restore dropped");
    }

    /** Forgets an adopted restore (its data now belongs to the group). */
    void adopted(String name) {
        context.restored().remove(name);
        context.registry().remove(name);
        deleteQuietly(name);
    }

    private void deleteQuietly(String name) {
        try {
            Trees.delete(context.restoresRoot().resolve(name));
        } catch (IOException e) {
            LOG.warn("Cannot delete the restore directory of '{}': {}", name, e.toString());
        }
    }

    /** Stops every restored server (the group is closing). */
    public void stopAll() {
        for (PostgresServer server : context.restored().values()) {
            try {
                server.stop(context.config().timeouts().shutdown(), "failover group closed");
            } catch (RuntimeException e) {
                LOG.warn("Stopping the restored server '{}' failed: {}", server.name(), e.getMessage());
                if (server.processAlive()) {
                    server.kill("stop failed");
                }
            }
        }
    }
}
