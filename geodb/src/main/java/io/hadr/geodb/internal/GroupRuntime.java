package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerSpec;
import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.QueryResult;
import io.hadr.geodb.internal.backup.BackupService;
import io.hadr.geodb.internal.backup.SqlRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts one start of a failover group runs on (the launcher, the inter-region link and its
 * routes, the listeners, the group's roles and state, the procedures, the backups) and the order
 * in which they start and stop. {@link GeoDatabase} holds the lock and hands each operation to
 * the part here that does it; a new start makes a new runtime.
 */
public final class GroupRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(GroupRuntime.class);

    private final GeoDbConfig config;
    private final Events events;
    private final ReentrantLock operations;
    private volatile PgProcesses launcher;
    private volatile InterRegionLink link;
    private volatile Routes routes;
    private volatile Listeners listeners;
    private volatile FailoverGroup group;
    private volatile Procedures procedures;
    private volatile BackupService backups;

    /** The classes that do the work, made once the group is loaded. */
    private record Procedures(
            SyncCommit sync,
            ServerRecovery recovery,
            SelfHealer healer,
            Failovers failovers,
            GroupProbe probe,
            Watcher watcher,
            StatusReader status) {}

    /**
     * @param operations the facade's lock, which the watcher takes for what it does on its own
     */
    public GroupRuntime(GeoDbConfig config, Events events, ReentrantLock operations) {
        this.config = config;
        this.events = events;
        this.operations = operations;
    }

    /**
     * Creates the group on first use or resumes it, and starts the link, the listeners, the
     * servers and the backups. On failure it stops (kills) what it started and rethrows.
     */
    public void start(Steps steps) {
        try {
            startParts(steps);
        } catch (RuntimeException e) {
            LOG.error("Starting the failover group failed: {}", e.getMessage());
            shutDown(false);
            throw e;
        }
    }

    private void startParts(Steps steps) {
        Path root = config.dataRoot().getFileName();
        launcher = new PgProcesses(
                PgAccount.forCurrentProcess(config.unprivilegedUser()), root == null ? "geodb" : root.toString());
        List<String> regions = regions();
        link = new InterRegionLink(regions.get(0), regions.get(1), config.linkLatency(), config.clock());
        routes = new Routes(link);
        listeners = new Listeners(regions, config.listeners().holdTimeout(), routes, events);
        Bootstrap bootstrap = new Bootstrap(config, launcher, events);
        group = bootstrap.load(steps);
        group.servers().forEach(routes::open);
        steps.note("inter-region link between " + regions.get(0) + " and " + regions.get(1) + ", "
                + config.linkLatency().toMillis() + " ms one way");
        group.starting("start");
        GroupContext context = context();
        procedures = procedures(context);
        backups = new BackupService(context, launcher);
        backups.prepare();
        bootstrap.startListeners(group, listeners, steps);
        bootstrap.startServers(context, new Seeding(context), steps);
        procedures.sync().update();
        settle("started");
        backups.start(steps);
    }

    private Procedures procedures(GroupContext context) {
        SyncCommit sync = new SyncCommit(context);
        Seeding seeding = new Seeding(context);
        ServerRecovery recovery = new ServerRecovery(context, seeding, sync);
        SelfHealer healer = new SelfHealer(context, recovery);
        GroupProbe probe = new GroupProbe(context);
        Failovers failovers = new Failovers(
                context,
                new PlannedFailover(context, seeding, sync),
                new ForcedFailover(context, seeding, sync),
                probe);
        ReplicationMonitor replication = new ReplicationMonitor(context);
        Watcher watcher = new Watcher(context, operations, healer, sync, failovers, probe, replication);
        StatusReader status = new StatusReader(context, healer, sync, watcher, failovers, replication);
        return new Procedures(sync, recovery, healer, failovers, probe, watcher, status);
    }

    private GroupContext context() {
        return new GroupContext(config, group, listeners, events, routes);
    }

    /** The servers' regions, the initial primary's first. */
    private List<String> regions() {
        List<String> regions = new ArrayList<>();
        regions.add(config.initialPrimary());
        config.servers().stream()
                .map(ServerSpec::name)
                .filter(n -> !n.equals(config.initialPrimary()))
                .forEach(regions::add);
        return regions;
    }

    /** Starts the outage watcher (self-healing, the automatic policy, synchronous commit). */
    public void startWatching() {
        procedures.watcher().start();
    }

    /** The group's roles and state; null before it is loaded. */
    public FailoverGroup group() {
        return group;
    }

    /** The listeners; null before they are made. */
    public Listeners listeners() {
        return listeners;
    }

    /** The link; null before it is made. */
    public InterRegionLink link() {
        return link;
    }

    public Failovers failovers() {
        return procedures.failovers();
    }

    public StatusReader status() {
        return procedures.status();
    }

    public BackupService backups() {
        return backups;
    }

    /** Sets the group's state from what the servers say now. */
    public void settle(String why) {
        GroupProbe.Observation o = procedures.probe().observe();
        group.settle(o.primaryServes(), o.secondaryStreams(), why);
    }

    /** Region down: SIGKILL, and self-healing leaves the server down. */
    public void kill(PostgresServer server) {
        procedures.healer().holdDown(server);
        procedures.recovery().kill(server, "killed (region down)");
    }

    /** A clean stop; self-healing leaves the server down. */
    public void stop(PostgresServer server) {
        procedures.healer().holdDown(server);
        procedures.recovery().stop(server, "stopped by the operator");
    }

    /** Region up: the server returns in its role (a fenced one reseeded) and is healed again. */
    public void bringUp(PostgresServer server) {
        procedures.healer().release(server);
        procedures.recovery().bringUp(server, "region up");
    }

    /** Makes a restored server the primary; the caller holds the lock. */
    public AdoptReport adopt(String restore, Steps steps) {
        AdoptReport report =
                backups.adopt(restore, steps, new Seeding(context()), procedures.sync(), procedures.healer());
        settle("after adopting '" + restore + "'");
        return report;
    }

    /** One statement as the administrator through the read-write listener's entry in the primary's own region. */
    public QueryResult sql(String statement) {
        // The entry in the primary's own region: the operator's statement does not cross the link.
        PostgresServer primary = group.primary();
        TcpListener entry = primary == null
                ? listeners.readWrite().home()
                : listeners.readWrite().in(primary.name());
        String target = listeners.readWrite().targetServer();
        return SqlRunner.run(
                entry.port(),
                target == null ? GeoDatabase.READ_WRITE : target,
                config.databaseName(),
                group.stateFile().adminPassword(),
                statement);
    }

    /** One statement as the administrator on a server, by its own port. */
    public QueryResult sqlOnServer(String server, String statement) {
        PostgresServer s = group.server(server);
        return SqlRunner.run(
                s.port(), s.name(), config.databaseName(), group.stateFile().adminPassword(), statement);
    }

    /** Stops what runs on its own (the watcher, the backup schedule) before the lock is taken to stop the rest. */
    public void stopWatching() {
        Procedures p = procedures;
        if (p != null) {
            p.watcher().close();
        }
        BackupService b = backups;
        if (b != null) {
            b.close();
        }
    }

    /**
     * Stops the backups, the listeners and every server (primary first, so the secondary receives
     * its shutdown checkpoint through the link), then the link and the launcher. With
     * {@code clean} false (a failed start) servers are killed rather than stopped.
     */
    public void shutDown(boolean clean) {
        BackupService b = backups;
        if (b != null) {
            b.close();
        }
        if (listeners != null) {
            listeners.close();
        }
        FailoverGroup g = group;
        if (g != null) {
            stopServers(g, clean);
            g.stopped(clean ? "closed" : "start failed");
        }
        Procedures p = procedures;
        if (p != null) {
            p.watcher().close();
            p.status().close();
        }
        // Last: the secondary received the primary's shutdown checkpoint through the link.
        if (routes != null) {
            routes.close();
        }
        if (link != null) {
            link.close();
        }
        if (launcher != null) {
            launcher.close();
        }
    }

    private void stopServers(FailoverGroup g, boolean clean) {
        List<PostgresServer> order = new ArrayList<>();
        g.servers().stream().filter(s -> g.role(s) == ServerRole.PRIMARY).forEach(order::add);
        g.servers().stream().filter(s -> g.role(s) != ServerRole.PRIMARY).forEach(order::add);
        for (PostgresServer server : order) {
            try {
                if (clean) {
                    server.stop(config.timeouts().shutdown(), "failover group closed");
                } else if (server.processAlive()) {
                    server.kill("start failed");
                }
            } catch (RuntimeException e) {
                LOG.warn("Stopping '{}' failed: {}", server.name(), e.getMessage());
                if (server.processAlive()) {
                    server.kill("stop failed");
                }
            }
        }
    }
}
