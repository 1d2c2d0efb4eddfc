package io.hadr.geodb;

import io.hadr.geodb.backup.AdoptReport;
import io.hadr.geodb.backup.BackupCatalog;
import io.hadr.geodb.backup.BackupStatus;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.ContinuousBackups;
import io.hadr.geodb.backup.QueryResult;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoredServer;
import io.hadr.geodb.backup.VerifyReport;
import io.hadr.geodb.internal.Events;
import io.hadr.geodb.internal.FailoverGroup;
import io.hadr.geodb.internal.Failovers;
import io.hadr.geodb.internal.GroupRuntime;
import io.hadr.geodb.internal.InterRegionLink;
import io.hadr.geodb.internal.Listeners;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.Steps;
import io.hadr.geodb.internal.backup.BackupService;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A geo-replicated PostgreSQL pair that behaves like an Azure SQL failover group: a primary, a
 * readable streaming geo-secondary, a read-write listener that always leads to the primary and
 * a read-only listener that leads to the secondary, planned and forced failover, an optional
 * automatic failover policy, and in-region self-healing of crashed servers.
 *
 * <p>This class is the facade: it holds the lock that serialises operations and hands each to
 * the class that does it (bootstrap, planned and forced failover, reseed, region down and up,
 * synchronous commit, the watcher, status). The group's own state ({@link GroupState}) and the
 * servers' roles have one owner that persists every role move; the parts one start runs on, and
 * the order in which they start and stop, are in {@code internal.GroupRuntime}.
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
 * <p>Synchronous replication: see {@link ReplicationMode#SYNC}; fencing of the old primary in a
 * forced failover: see {@link FailoverMode#FORCED}.
 *
 * <h2>Backups and point-in-time restore</h2>
 * See {@link ContinuousBackups}, which this class implements.
 *
 * <p>All operations are serialised; {@link #status()} may be called at any time.
 */
public final class GeoDatabase implements ContinuousBackups, AutoCloseable {

    /** Name of the read-write listener, as in Azure's {@code <fog>.database.windows.net}. */
    public static final String READ_WRITE = Listeners.READ_WRITE;
    /** Name of the read-only listener, as in Azure's {@code <fog>.secondary.database.windows.net}. */
    public static final String READ_ONLY = Listeners.READ_ONLY;

    private final GeoDbConfig config;
    private final ReentrantLock operations = new ReentrantLock();
    private final Events events;
    /** What the last start made; null before the first. */
    private volatile GroupRuntime runtime;

    private volatile boolean started;
    private volatile boolean closed;

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
            GroupRuntime r = new GroupRuntime(config, events, operations);
            runtime = r;
            r.start(new Steps(progress));
            started = true;
            r.startWatching();
        } finally {
            operations.unlock();
        }
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
        return startedListeners().readWrite().in(region).endpoint(config.databaseName());
    }

    /** The read-only listener's entry for clients in {@code region}; see {@link #readWriteListener(String)}. */
    public ListenerEndpoint readOnlyListener(String region) {
        return startedListeners().readOnly().in(region).endpoint(config.databaseName());
    }

    private Listeners startedListeners() {
        GroupRuntime r = runtime;
        Listeners l = r == null ? null : r.listeners();
        if (l == null || !l.readWrite().started()) {
            throw new IllegalStateException("the listeners have no address before start()");
        }
        return l;
    }

    /**
     * The link between the two regions: its latency can be changed, it can be partitioned and
     * healed while the group runs. Replication, seeding and every cross-region listener
     * connection go through it.
     */
    public RegionLink link() {
        GroupRuntime r = runtime;
        InterRegionLink l = r == null ? null : r.link();
        if (l == null) {
            throw new IllegalStateException("the inter-region link exists only once the group is started");
        }
        return l;
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
        Failovers failovers = running().failovers();
        Failovers.Claim claim = failovers.claim(mode, target, "requested by the operator");
        operations.lock();
        try {
            if (!started) {
                failovers.release(claim);
                running();
            }
            return failovers.run(claim, progress);
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
        regionOperation(serverName, GroupRuntime::kill);
    }

    /** Stops the server cleanly (fast shutdown). Its role is kept; self-healing leaves it down. */
    public void stop(String serverName) {
        regionOperation(serverName, GroupRuntime::stop);
    }

    /**
     * Brings a server back (region up). A returning primary resumes as primary; a returning
     * secondary resumes streaming; a fenced former primary is reseeded from the current primary
     * and becomes the secondary. Does nothing when the server runs. It is healed again after
     * future crashes, with its crash history cleared.
     */
    public void bringUp(String serverName) {
        regionOperation(serverName, GroupRuntime::bringUp);
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

    private void regionOperation(String serverName, BiConsumer<GroupRuntime, PostgresServer> operation) {
        operations.lock();
        try {
            GroupRuntime r = running();
            operation.accept(r, r.group().server(serverName));
            r.settle("after an operation on '" + serverName + "'");
        } finally {
            operations.unlock();
        }
    }

    /** The group as it is now; servers that do not answer have null values and an error. */
    public GeoDbStatus status() {
        return running().status().read();
    }

    /** The group's own state: steady, degraded, leaderless, failing over, ... */
    public GroupState groupState() {
        GroupRuntime r = runtime;
        FailoverGroup g = r == null ? null : r.group();
        return g == null ? GroupState.STOPPED : g.state();
    }

    /** The server holding the primary role. */
    public String primary() {
        return running().group().primary().name();
    }

    /** The server holding the secondary role, or null while there is none. */
    public String secondary() {
        PostgresServer s = running().group().secondary();
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

    @Override
    public BackupStatus backupStatus() {
        return running().backups().status();
    }

    @Override
    public BackupCatalog backups() {
        return running().backups().catalog();
    }

    @Override
    public BaseBackupInfo backup(ProgressListener progress) {
        return running().backups().backup(new Steps(progress));
    }

    @Override
    public RestoreMark mark(String name) {
        return running().backups().mark(name);
    }

    @Override
    public RestoreResult restore(RestoreRequest request, ProgressListener progress) {
        return running().backups().restore(request, new Steps(progress));
    }

    @Override
    public List<RestoredServer> restores() {
        return running().backups().restores();
    }

    @Override
    public void dropRestore(String name) {
        running().backups().dropRestore(name);
    }

    @Override
    public AdoptReport adopt(String restore, ProgressListener progress) {
        operations.lock();
        try {
            return running().adopt(restore, new Steps(progress));
        } finally {
            operations.unlock();
        }
    }

    @Override
    public VerifyReport verifyBackups(String region, ProgressListener progress) {
        return running().backups().verify(region, new Steps(progress));
    }

    /** Runs one statement as the administrator through the read-write listener (the current primary). */
    public QueryResult sql(String statement) {
        return running().sql(statement);
    }

    /** Runs one statement as the administrator on a server of the group, by its own port. */
    public QueryResult sqlOnServer(String server, String statement) {
        return running().sqlOnServer(server, statement);
    }

    @Override
    public QueryResult sqlOnRestore(String restore, String statement) {
        return running().backups().sqlOnRestore(restore, statement);
    }

    /** Backup internals for tests and benchmarks in this module. */
    BackupService backupService() {
        return runtime.backups();
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
        GroupRuntime r = runtime;
        if (r == null) {
            return;
        }
        r.stopWatching();
        operations.lock();
        try {
            r.shutDown(true);
            started = false;
        } finally {
            operations.unlock();
        }
    }

    /** What runs, once started and until closed. */
    private GroupRuntime running() {
        if (!started) {
            throw new IllegalStateException(closed ? "this GeoDatabase is closed" : "this GeoDatabase is not started");
        }
        return runtime;
    }

    private FailoverGroup loadedGroup() {
        GroupRuntime r = runtime;
        FailoverGroup g = r == null ? null : r.group();
        if (g == null) {
            throw new IllegalStateException("this GeoDatabase is not started; the servers are "
                    + config.servers().stream().map(ServerSpec::name).toList());
        }
        return g;
    }
}
