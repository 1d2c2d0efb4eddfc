package io.hadr.geodb;

import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.QueryResult;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.backup.VerifyReport;
import io.hadr.geodb.internal.Bootstrap;
import io.hadr.geodb.internal.Events;
import io.hadr.geodb.internal.FailoverGroup;
import io.hadr.geodb.internal.Failovers;
import io.hadr.geodb.internal.ForcedFailover;
import io.hadr.geodb.internal.GroupContext;
import io.hadr.geodb.internal.GroupProbe;
import io.hadr.geodb.internal.InterRegionLink;
import io.hadr.geodb.internal.Listeners;
import io.hadr.geodb.internal.PgAccount;
import io.hadr.geodb.internal.PgProcesses;
import io.hadr.geodb.internal.PlannedFailover;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.ReplicationMonitor;
import io.hadr.geodb.internal.Routes;
import io.hadr.geodb.internal.Seeding;
import io.hadr.geodb.internal.SelfHealer;
import io.hadr.geodb.internal.ServerRecovery;
import io.hadr.geodb.internal.StatusReader;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.SyncCommit;
import io.hadr.geodb.internal.TcpListener;
import io.hadr.geodb.internal.Watcher;
import io.hadr.geodb.internal.backup.BackupService;
import io.hadr.geodb.internal.backup.SqlRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A geo-replicated PostgreSQL pair that behaves like an Azure SQL failover group: a primary, a
 * readable streaming geo-secondary, a read-write listener that always leads to the primary and
 * a read-only listener that leads to the secondary, planned and forced failover, an optional
 * automatic failover policy, and in-region self-healing of crashed servers.
 *
 * <p>This class is the facade: it holds the lock that serialises operations and hands each to
 * the class that does it (bootstrap, planned and forced failover, reseed, region down and up,
 * synchronous commit, the watcher, status). The group's own state ({@link GroupState}) and the
 * servers' roles have one owner that persists every role move.
 *
 * <h2>Lifecycle</h2>
 * {@link #start(ProgressListener)} creates the group on first use (initdb of the primary, the
 * application's role and database, a base backup for the secondary) and resumes it afterwards
 * with the same roles and data, read from {@code geodb-state.properties} in the data root.
 * {@link #close()} stops every server cleanly; nothing keeps running after it, and if the JVM
 * dies the kernel kills the servers (parent-death signal).
 *
 * <h2>Failovers</h2>
 * A failover names the server that is to become primary (or takes the secondary at the moment
 * it is asked), as Azure sends a failover to the secondary. One runs at a time: a second request
 * meanwhile is refused at once ({@link FailoverGroupBusyException}), and one whose target already
 * is the primary is refused ({@link FailoverTargetIsPrimaryException}). During a failover the
 * read-write listener holds new connections (at most {@link ListenerSettings#holdTimeout()}) and
 * releases them to the new primary; a planned failover cuts open connections only between
 * transactions. A client never hangs.
 *
 * <h2>Synchronous mode</h2>
 * With {@link ReplicationMode#SYNC} the primary names the secondary in
 * {@code synchronous_standby_names} while the secondary streams, and commits alone (reported by
 * {@link GeoDbStatus#synchronousCommit()}) while it does not, so its writes never hang on a
 * secondary that is not there.
 *
 * <h2>Fencing</h2>
 * A forced failover marks the old primary FENCED (state file and a {@code FENCED} file beside
 * its data) before promoting the secondary and SIGKILLs it if it runs, so two primaries never
 * accept writes. A fenced server is never started as a primary: when it is brought back its data
 * is replaced by a fresh base backup of the new primary and it streams as the secondary.
 *
 * <h2>Backups and point-in-time restore</h2>
 * On by default ({@link GeoDbConfig#backups()}): every server archives its WAL into its region's
 * backup store, base backups are taken on schedule and on demand ({@link #backup}), each store is
 * copied to the other region's, and retention removes what the window no longer needs. A restore
 * ({@link #restore}) makes a new server at a time, an LSN or a named mark ({@link #mark}) and
 * never touches the live servers; {@link #adopt} brings one into service behind the same
 * listeners; {@link #verifyBackups} test-restores the latest backup. The work is done in
 * {@code io.hadr.geodb.internal.backup}.
 *
 * <p>All operations are serialised; {@link #status()} may be called at any time.
 */
public final class GeoDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GeoDatabase.class);

    /** Name of the read-write listener, as in Azure's {@code <fog>.database.windows.net}. */
    public static final String READ_WRITE = Listeners.READ_WRITE;
    /** Name of the read-only listener, as in Azure's {@code <fog>.secondary.database.windows.net}. */
    public static final String READ_ONLY = Listeners.READ_ONLY;

    private final GeoDbConfig config;
    private final ReentrantLock operations = new ReentrantLock();
    private final Events events;
    private volatile Listeners listeners;
    private volatile InterRegionLink link;
    private Routes routes;
    private PgProcesses launcher;
    private volatile FailoverGroup group;
    private Procedures procedures;
    private volatile BackupService backups;
    private volatile boolean started;
    private volatile boolean closed;

    /** The classes that do the work, made once the group is loaded. */
    private record Procedures(SyncCommit sync, ServerRecovery recovery, SelfHealer healer, Failovers failovers,
            GroupProbe probe, Watcher watcher, StatusReader status) {
    }

    /** Creates the group object; nothing runs before {@link #start(ProgressListener)}. */
    public GeoDatabase(GeoDbConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.events = new Events(config.clock());
    }

    public GeoDbConfig config() {
        return config;
    }

    /** Registers a listener for every role, state, group, listener, failover and healing event. */
    public void addEventListener(Consumer<GeoDbEvent> listener) {
        events.add(listener);
    }

    /** {@link #start(ProgressListener)} without progress output. */
    public void start() {
        start(ProgressListener.NONE);
    }

    /**
     * Creates the group on first use, or resumes it with the roles and data it had.
     *
     * @throws GeoDbException with the reason and the server's last log lines when a server cannot start
     */
    public void start(ProgressListener progress) {
        operations.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this GeoDatabase is closed; create a new one to start again");
            }
            if (started) {
                throw new IllegalStateException("this GeoDatabase is already started");
            }
            Steps steps = new Steps(progress);
            try {
                Path root = config.dataRoot().getFileName();
                launcher = new PgProcesses(PgAccount.forCurrentProcess(config.unprivilegedUser()),
                        root == null ? "geodb" : root.toString());
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
                GroupContext context = new GroupContext(config, group, listeners, events, routes);
                procedures = procedures(context);
                backups = new BackupService(context, launcher);
                backups.prepare();
                bootstrap.startListeners(group, listeners, steps);
                bootstrap.startServers(context, new Seeding(context), steps);
                procedures.sync().update();
                settle("started");
                backups.start(steps);
            } catch (RuntimeException e) {
                LOG.error("Starting the failover group failed: {}", e.getMessage());
                shutDownEverything(false);
                throw e;
            }
            started = true;
            procedures.watcher().start();
        } finally {
            operations.unlock();
        }
    }

    private Procedures procedures(GroupContext context) {
        SyncCommit sync = new SyncCommit(context);
        Seeding seeding = new Seeding(context);
        ServerRecovery recovery = new ServerRecovery(context, seeding, sync);
        SelfHealer healer = new SelfHealer(context, recovery);
        GroupProbe probe = new GroupProbe(context);
        Failovers failovers = new Failovers(context, new PlannedFailover(context, seeding, sync),
                new ForcedFailover(context, seeding, sync), probe);
        ReplicationMonitor replication = new ReplicationMonitor(context);
        Watcher watcher = new Watcher(context, operations, healer, sync, failovers, probe, replication);
        StatusReader status = new StatusReader(context, healer, sync, watcher, failovers, replication);
        return new Procedures(sync, recovery, healer, failovers, probe, watcher, status);
    }

    /**
     * The read-write listener as clients in the initial primary's region reach it: always leads
     * to the current primary (across the inter-region link once the primary is in the other region).
     */
    public ListenerEndpoint readWriteListener() {
        return readWriteListener(config.initialPrimary());
    }

    /** The read-only listener as clients in the initial primary's region reach it: leads to the readable secondary. */
    public ListenerEndpoint readOnlyListener() {
        return readOnlyListener(config.initialPrimary());
    }

    /**
     * The read-write listener's entry for clients in {@code region}: it leads to the current
     * primary, directly when the primary is in {@code region} and across the inter-region link
     * when it is not, so a cross-region connection takes the link's latency and its faults.
     *
     * @param region one of the servers' names (each server stands in its own region)
     */
    public ListenerEndpoint readWriteListener(String region) {
        return endpoint(startedListeners().readWrite().in(region));
    }

    /** The read-only listener's entry for clients in {@code region}; see {@link #readWriteListener(String)}. */
    public ListenerEndpoint readOnlyListener(String region) {
        return endpoint(startedListeners().readOnly().in(region));
    }

    private Listeners startedListeners() {
        Listeners l = listeners;
        if (l == null || !l.readWrite().started()) {
            throw new IllegalStateException("the listeners have no address before start()");
        }
        return l;
    }

    private ListenerEndpoint endpoint(TcpListener listener) {
        return new ListenerEndpoint(listener.kind(), "127.0.0.1", listener.port(), config.databaseName());
    }

    /**
     * The link between the two regions: its latency can be changed, it can be partitioned and
     * healed while the group runs. Replication, seeding and every cross-region listener
     * connection go through it.
     */
    public RegionLink link() {
        InterRegionLink l = link;
        if (l == null) {
            throw new IllegalStateException("the inter-region link exists only once the group is started");
        }
        return l;
    }

    /** The servers' regions, the initial primary's first. */
    private List<String> regions() {
        List<String> regions = new ArrayList<>();
        regions.add(config.initialPrimary());
        config.servers().stream().map(ServerSpec::name).filter(n -> !n.equals(config.initialPrimary()))
                .forEach(regions::add);
        return regions;
    }

    /** A planned failover (Azure {@code failover}) to the current secondary. */
    public FailoverReport failover() {
        return failover(FailoverMode.PLANNED, null, ProgressListener.NONE);
    }

    /** A failover of the given mode to the current secondary, without progress output. */
    public FailoverReport failover(FailoverMode mode) {
        return failover(mode, null, ProgressListener.NONE);
    }

    /** A failover of the given mode to the server that is secondary at the moment of the call. */
    public FailoverReport failover(FailoverMode mode, ProgressListener progress) {
        return failover(mode, null, progress);
    }

    /**
     * Performs a failover with Azure SQL failover group semantics (see {@link FailoverMode}) that
     * makes {@code target} the primary.
     *
     * @param target the server to become primary; null for the one that is secondary now
     * @return the timed phases
     * @throws FailoverGroupBusyException at once, while another failover runs
     * @throws FailoverTargetIsPrimaryException when {@code target} already is the primary
     * @throws FailoverRefusedException when it cannot be done; then nothing changed
     * @throws IllegalArgumentException when no server is named {@code target}
     */
    public FailoverReport failover(FailoverMode mode, String target, ProgressListener progress) {
        Objects.requireNonNull(mode, "mode must not be null");
        requireStarted();
        Failovers.Claim claim = procedures.failovers().claim(mode, target, "requested by the operator");
        operations.lock();
        try {
            if (!started) {
                procedures.failovers().release(claim);
                requireStarted();
            }
            return procedures.failovers().run(claim, progress);
        } finally {
            operations.unlock();
        }
    }

    /**
     * SIGKILLs the server's postmaster, the way a region disappears. Its role is kept: a killed
     * primary stays primary (and unreachable) until it comes back or a failover moves the role.
     * Self-healing leaves it down: the outage is deliberate.
     */
    public void kill(String serverName) {
        regionOperation(serverName, server -> {
            procedures.healer().holdDown(server);
            procedures.recovery().kill(server, "killed (region down)");
        });
    }

    /** Stops the server cleanly (fast shutdown). Its role is kept; self-healing leaves it down. */
    public void stop(String serverName) {
        regionOperation(serverName, server -> {
            procedures.healer().holdDown(server);
            procedures.recovery().stop(server, "stopped by the operator");
        });
    }

    /**
     * Brings a server back (region up). A returning primary resumes as primary; a returning
     * secondary resumes streaming; a fenced former primary is reseeded from the current primary
     * and becomes the secondary. Does nothing when the server runs. It is healed again after
     * future crashes, with its crash history cleared.
     */
    public void bringUp(String serverName) {
        regionOperation(serverName, server -> {
            procedures.healer().release(server);
            procedures.recovery().bringUp(server, "region up");
        });
    }

    /** {@link #stop(String)} then {@link #bringUp(String)}. */
    public void restart(String serverName) {
        operations.lock();
        try {
            stop(serverName);
            bringUp(serverName);
        } finally {
            operations.unlock();
        }
    }

    private void regionOperation(String serverName, Consumer<PostgresServer> operation) {
        operations.lock();
        try {
            requireStarted();
            operation.accept(group.server(serverName));
            settle("after an operation on '" + serverName + "'");
        } finally {
            operations.unlock();
        }
    }

    private void settle(String why) {
        GroupProbe.Observation o = procedures.probe().observe();
        group.settle(o.primaryServes(), o.secondaryStreams(), why);
    }

    /** The group as it is now; servers that do not answer have null values and an error. */
    public GeoDbStatus status() {
        requireStarted();
        return procedures.status().read();
    }

    /** The group's own state: steady, degraded, leaderless, failing over, ... */
    public GroupState groupState() {
        FailoverGroup g = group;
        return g == null ? GroupState.STOPPED : g.state();
    }

    /** The server holding the primary role. */
    public String primary() {
        requireStarted();
        return group.primary().name();
    }

    /** The server holding the secondary role, or null while there is none. */
    public String secondary() {
        requireStarted();
        PostgresServer s = group.secondary();
        return s == null ? null : s.name();
    }

    /** The role of a server. */
    public ServerRole role(String serverName) {
        return loadedGroup().role(loadedGroup().server(serverName));
    }

    /** Whether a server's process runs and answers. */
    public ServerState state(String serverName) {
        return loadedGroup().server(serverName).state();
    }

    /** The file that receives a server's PostgreSQL log. */
    public Path logFile(String serverName) {
        return loadedGroup().server(serverName).files().logFile();
    }

    /** A server's own PostgreSQL port on 127.0.0.1 (not through a listener). */
    public int port(String serverName) {
        return loadedGroup().server(serverName).port();
    }

    // ----- backups and point-in-time restore ------------------------------------------------------

    /** Backups at a glance: archive lag (the backup RPO), geo-copy lag, restorable range. */
    public BackupStatus backupStatus() {
        requireStarted();
        return backups.status();
    }

    /** Every base backup in every region's store, the marks, each store's state. */
    public BackupCatalog backups() {
        requireStarted();
        return backups.catalog();
    }

    /** Takes a base backup of the primary now (they are also taken on schedule). */
    public BaseBackupInfo backup(ProgressListener progress) {
        requireStarted();
        return backups.backup(new Steps(progress));
    }

    /**
     * Makes a named restore point on the primary ({@code pg_create_restore_point}), which
     * {@link io.hadr.geodb.backup.RestoreTarget.AtMark} restores to exactly.
     *
     * @throws IllegalArgumentException for a bad name or one that exists
     */
    public RestoreMark mark(String name) {
        requireStarted();
        return backups.mark(name);
    }

    /**
     * Restores the database to a time, an LSN or a mark as a NEW server (never touching the live
     * ones), from the primary's region's store or, with {@code fromRegion}, the other's.
     *
     * @throws io.hadr.geodb.backup.RestoreRefusedException when the target is outside the
     *     restorable range, which the message names
     */
    public RestoreResult restore(RestoreRequest request, ProgressListener progress) {
        requireStarted();
        return backups.restore(request, new Steps(progress));
    }

    /** The restored servers, until they are adopted or dropped. */
    public List<RestoredServer> restores() {
        requireStarted();
        return backups.restores();
    }

    /** Stops a restored server and deletes its data. */
    public void dropRestore(String name) {
        requireStarted();
        backups.dropRestore(name);
    }

    /**
     * Makes a restored server's data the failover group's primary behind the same listeners; the
     * former primary's data is kept aside, the geo-secondary is rebuilt from the new primary.
     */
    public AdoptReport adopt(String restore, ProgressListener progress) {
        operations.lock();
        try {
            requireStarted();
            AdoptReport report = backups.adopt(restore, new Steps(progress), new Seeding(groupContext()),
                    procedures.sync(), procedures.healer());
            settle("after adopting '" + restore + "'");
            return report;
        } finally {
            operations.unlock();
        }
    }

    /**
     * Restores the latest base backup of a region's store (null: the primary's) to a scratch
     * location with all archived WAL, checks it, removes it, and reports problems by segment.
     */
    public VerifyReport verifyBackups(String region, ProgressListener progress) {
        requireStarted();
        return backups.verify(region, new Steps(progress));
    }

    /** Runs one statement as the administrator through the read-write listener (the current primary). */
    public QueryResult sql(String statement) {
        requireStarted();
        // The entry in the primary's own region: the operator's statement does not cross the link.
        PostgresServer primary = group.primary();
        TcpListener entry = primary == null ? listeners.readWrite().home() : listeners.readWrite().in(primary.name());
        String target = listeners.readWrite().targetServer();
        return SqlRunner.run(entry.port(), target == null ? READ_WRITE : target, config.databaseName(),
                group.stateFile().adminPassword(), statement);
    }

    /** Runs one statement as the administrator on a server of the group, by its own port. */
    public QueryResult sqlOnServer(String server, String statement) {
        requireStarted();
        PostgresServer s = group.server(server);
        return SqlRunner.run(s.port(), s.name(), config.databaseName(), group.stateFile().adminPassword(), statement);
    }

    /** Runs one statement as the administrator on a restored server. */
    public QueryResult sqlOnRestore(String restore, String statement) {
        requireStarted();
        return backups.sqlOnRestore(restore, statement);
    }

    /** Backup internals for tests and benchmarks in this module. */
    BackupService backupService() {
        return backups;
    }

    private GroupContext groupContext() {
        return new GroupContext(config, group, listeners, events, routes);
    }

    /**
     * Stops the watcher, the listeners and every server (primary first, so the secondary receives
     * its shutdown checkpoint), then the launcher thread. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Procedures p = procedures;
        if (p != null) {
            p.watcher().close();
        }
        BackupService b = backups;
        if (b != null) {
            b.close();
        }
        operations.lock();
        try {
            shutDownEverything(true);
        } finally {
            operations.unlock();
        }
    }

    private void shutDownEverything(boolean clean) {
        BackupService b = backups;
        if (b != null) {
            b.close();
        }
        if (listeners != null) {
            listeners.close();
        }
        FailoverGroup g = group;
        if (g != null) {
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
            g.stopped(clean ? "closed" : "start failed");
        }
        if (procedures != null) {
            procedures.watcher().close();
            procedures.status().close();
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
        started = false;
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException(closed ? "this GeoDatabase is closed" : "this GeoDatabase is not started");
        }
    }

    private FailoverGroup loadedGroup() {
        FailoverGroup g = group;
        if (g == null) {
            throw new IllegalStateException("this GeoDatabase is not started; the servers are "
                    + config.servers().stream().map(ServerSpec::name).toList());
        }
        return g;
    }
}
