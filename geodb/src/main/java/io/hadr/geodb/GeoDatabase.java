package io.hadr.geodb;

import io.hadr.toolkit.FreePorts;
import io.hadr.toolkit.Threads;
import io.hadr.geodb.internal.BaseBackup;
import io.hadr.geodb.internal.ControlFile;
import io.hadr.geodb.internal.Deadline;
import io.hadr.geodb.internal.Lsn;
import io.hadr.geodb.internal.PgAccount;
import io.hadr.geodb.internal.PostgresServer;
import io.hadr.geodb.internal.PgProcesses;
import io.hadr.geodb.internal.RoleSettings;
import io.hadr.geodb.internal.StateFile;
import io.hadr.geodb.internal.TcpListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A geo-replicated PostgreSQL pair that behaves like an Azure SQL failover group: a primary, a
 * readable streaming geo-secondary, a read-write listener that always leads to the primary and
 * a read-only listener that leads to the secondary, planned and forced failover, and an
 * optional automatic failover policy.
 *
 * <h2>Lifecycle</h2>
 * {@link #start(ProgressListener)} creates the group on first use (initdb of the primary, the
 * application's role and database, a base backup for the secondary) and resumes it afterwards
 * with the same roles and data, read from {@code geodb-state.properties} in the data root.
 * {@link #close()} stops every server cleanly; nothing keeps running after it, and if the JVM
 * dies the kernel kills the servers (parent-death signal).
 *
 * <h2>Listeners during a failover</h2>
 * When a failover begins, every connection through the listeners is cut, and a new connection
 * waits at most {@link GeoDbConfig#listenerHoldTimeout()} for the new primary (then it is
 * closed). A listener without a target (no secondary, or a primary that is down) closes new
 * connections at once. A client never hangs.
 *
 * <h2>Synchronous mode</h2>
 * With {@link ReplicationMode#SYNC} the primary names the secondary in
 * {@code synchronous_standby_names} while the secondary streams, so an acknowledged commit is on
 * both servers. When the secondary is gone (killed, stopped, crashed, fenced, reseeding), the
 * group drops to asynchronous commits at once (within one health check when it crashed on its
 * own) and reports {@link GeoDbStatus#synchronousCommit()} {@code false}, and turns it back on
 * when the secondary streams again; commits waiting in the meantime are bounded by that. It
 * never lets the primary's writes hang on a secondary that is not there.
 *
 * <h2>Fencing</h2>
 * A forced failover marks the old primary FENCED (state file and a {@code FENCED} file beside
 * its data) before promoting the secondary and SIGKILLs it if it runs, so two primaries never
 * accept writes. A fenced server is never started as a primary: when it is brought back its data
 * is replaced by a fresh base backup of the new primary and it streams as the secondary.
 *
 * <p>All operations are serialised; {@link #status()} may be called at any time.
 */
public final class GeoDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GeoDatabase.class);

    /** Name of the read-write listener, as in Azure's {@code <fog>.database.windows.net}. */
    public static final String READ_WRITE = "read-write";
    /** Name of the read-only listener, as in Azure's {@code <fog>.secondary.database.windows.net}. */
    public static final String READ_ONLY = "read-only";

    private static final Duration POLL = Duration.ofMillis(20);

    private final GeoDbConfig config;
    private final ReentrantLock operations = new ReentrantLock();
    private final List<Consumer<GeoDbEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final Map<String, PostgresServer> servers = new LinkedHashMap<>();
    private PgAccount account;
    private PgProcesses launcher;
    private StateFile state;
    private TcpListener readWrite;
    private TcpListener readOnly;
    private ScheduledExecutorService watcher;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile Instant primaryUnreachableSince;
    private volatile boolean synchronousCommit;
    private volatile FailoverReport lastFailover;
    /** The primary's name for readers: flips at promotion, so it is never empty mid-failover. */
    private volatile String primaryName;
    private boolean automaticFailoverBlockedLogged;

    /** Creates the group object; nothing runs before {@link #start(ProgressListener)}. */
    public GeoDatabase(GeoDbConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.readWrite = new TcpListener(READ_WRITE, config.listenerHoldTimeout());
        this.readOnly = new TcpListener(READ_ONLY, config.listenerHoldTimeout());
    }

    public GeoDbConfig config() {
        return config;
    }

    /** Registers a listener for every role, state, listener and failover event. */
    public void addEventListener(Consumer<GeoDbEvent> listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    // ===== start / resume ========================================================================

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
                doStart(steps);
            } catch (RuntimeException e) {
                LOG.error("Starting the failover group failed: {}", e.getMessage());
                shutDownEverything(false);
                throw e;
            }
            started = true;
            startWatcher();
        } finally {
            operations.unlock();
        }
    }

    private void doStart(Steps steps) {
        Path dataRoot = config.dataRoot();
        Path binDir = config.binaries().binDir();
        account = PgAccount.forCurrentProcess(config.unprivilegedUser());
        launcher = new PgProcesses(account, dataRoot.getFileName() == null ? "geodb" : dataRoot.getFileName().toString());
        checkBinaries(binDir);
        steps.done("PostgreSQL binaries ready");
        createDataRoot(dataRoot);
        state = StateFile.load(dataRoot);
        boolean fresh = state == null;
        if (fresh) {
            state = createState();
        } else {
            checkStateMatchesConfig();
        }
        for (ServerSpec spec : config.servers()) {
            if (spec.port() != 0) {
                state.port(spec.name(), spec.port());
            }
            ServerRole role = state.role(spec.name());
            PostgresServer server = new PostgresServer(spec.name(), dataRoot, state.port(spec.name()), role, launcher,
                    binDir, state.adminPassword(), config.maxConnections(), config.settings(), this::emit);
            if (server.fencedMarker() && role != ServerRole.FENCED && role != ServerRole.RESEEDING) {
                // The marker is written before anything else in a forced failover: it wins.
                LOG.warn("Server '{}' has a FENCED marker but the state file says {}; treating it as fenced",
                        spec.name(), role);
                server = new PostgresServer(spec.name(), dataRoot, state.port(spec.name()), ServerRole.FENCED, launcher,
                        binDir, state.adminPassword(), config.maxConnections(), config.settings(), this::emit);
                state.role(spec.name(), ServerRole.FENCED);
            }
            servers.put(spec.name(), server);
        }
        long primaries = servers.values().stream().filter(s -> s.role() == ServerRole.PRIMARY).count();
        if (primaries != 1) {
            throw new GeoDbException(state.path() + " must name exactly one PRIMARY, but names " + primaries
                    + "; roles: " + servers.values());
        }
        readWrite.start(listenerPort(READ_WRITE, config.readWriteListenerPort()));
        readOnly.start(listenerPort(READ_ONLY, config.readOnlyListenerPort()));
        state.listenerPort(READ_WRITE, readWrite.port());
        state.listenerPort(READ_ONLY, readOnly.port());
        state.save();
        steps.done("listeners on 127.0.0.1:" + readWrite.port() + " (read-write) and 127.0.0.1:" + readOnly.port()
                + " (read-only)");

        PostgresServer primary = primaryServer();
        primaryName = primary.name();
        startPrimary(primary, steps);
        PostgresServer secondary = other(primary);
        startSecondary(secondary, primary, steps);
        updateSynchronousCommit();
        LOG.info("Failover group {}: primary '{}', secondary '{}', read-write {}, read-only {}",
                fresh ? "created" : "resumed", primary.name(), secondary.name(), readWriteListener().jdbcUrl(),
                readOnlyListener().jdbcUrl());
    }

    private StateFile createState() {
        StateFile created = StateFile.create(config.dataRoot());
        created.adminPassword(randomPassword());
        for (ServerSpec spec : config.servers()) {
            created.port(spec.name(), spec.port() != 0 ? spec.port() : FreePorts.pick());
            // The secondary does not exist yet: it is made by a base backup, like a reseed.
            created.role(spec.name(), spec.name().equals(config.initialPrimary()) ? ServerRole.PRIMARY : ServerRole.RESEEDING);
        }
        created.primary(config.initialPrimary());
        created.save();
        return created;
    }

    private void checkStateMatchesConfig() {
        Set<String> known = new TreeSet<>(state.servers());
        Set<String> configured = new TreeSet<>();
        config.servers().forEach(s -> configured.add(s.name()));
        if (!known.equals(configured)) {
            throw new GeoDbException(String.format("%s was created for the servers %s, but the configuration names %s; "
                    + "use the same server names, or another data root for a new group", state.path(), known, configured));
        }
    }

    private int listenerPort(String listener, int configured) {
        return configured != 0 ? configured : state.listenerPort(listener);
    }

    private void createDataRoot(Path dataRoot) {
        try {
            if (!Files.isDirectory(dataRoot)) {
                Files.createDirectories(dataRoot);
                // Traversable by the PostgreSQL account; the files in it protect themselves.
                Files.setPosixFilePermissions(dataRoot, PosixFilePermissions.fromString("rwx--x--x"));
            }
        } catch (IOException e) {
            throw new GeoDbException("cannot create the data root " + dataRoot + ": " + e, e);
        }
        account.checkCanReach(dataRoot);
    }

    private void checkBinaries(Path binDir) {
        account.checkCanReach(binDir);
        try {
            String version = launcher.run(List.of(binDir.resolve("postgres").toString(), "--version"), Duration.ofSeconds(30),
                    null).trim();
            LOG.info("Using {} from {} (running as '{}')", version, binDir, account.user());
        } catch (GeoDbException e) {
            throw new GeoDbException("PostgreSQL in " + binDir + " cannot run as '" + account.user() + "': "
                    + e.getMessage() + (account.switchesUser()
                    ? "; the binaries must be readable and executable by that account (not under /root)" : ""), e);
        }
    }

    private void startPrimary(PostgresServer primary, Steps steps) {
        primary.prepareDirectories();
        if (!state.initialized()) {
            primary.initdb(config.startupTimeout());
            primary.writeConfig(RoleSettings.primary(null, false));
            primary.start(config.startupTimeout(), "new primary");
            ensureApplicationDatabase(primary);
            state.initialized(true);
            state.save();
            steps.done("primary '" + primary.name() + "' created");
        } else if (!primary.hasData()) {
            throw new GeoDbException("the primary '" + primary.name() + "' has no data directory " + primary.dataDir()
                    + " although the group was created before; its data is gone. Restore it, or remove "
                    + config.dataRoot() + " to create a new, empty group");
        } else if (primary.hasStandbySignal()) {
            // A failover was interrupted after the roles were saved but before the promotion.
            PostgresServer peer = other(primary);
            primary.writeConfig(RoleSettings.standby(peer.port(), primary.slotName()));
            primary.start(config.startupTimeout(), "completing an interrupted failover");
            promote(primary);
            primary.writeConfig(RoleSettings.primary(null, false));
            reloadQuietly(primary);
            ensureApplicationDatabase(primary);
            steps.done("primary '" + primary.name() + "' promoted (interrupted failover completed)");
        } else {
            primary.writeConfig(RoleSettings.primary(null, false));
            primary.start(config.startupTimeout(), "resuming as primary");
            ensureApplicationDatabase(primary);
            steps.done("primary '" + primary.name() + "' resumed");
        }
        pointListener(readWrite, primary, "primary started");
    }

    private void startSecondary(PostgresServer secondary, PostgresServer primary, Steps steps) {
        secondary.prepareDirectories();
        ServerRole role = secondary.role();
        if (role == ServerRole.SECONDARY && secondary.hasData() && !secondary.fencedMarker()) {
            try {
                resumeStandby(secondary, primary);
                steps.done("secondary '" + secondary.name() + "' resumed streaming");
            } catch (GeoDbException e) {
                LOG.warn("Secondary '{}' cannot resume streaming ({}); reseeding it", secondary.name(), e.getMessage());
                reseed(secondary, primary, "could not resume streaming: " + e.getMessage());
                steps.done("secondary '" + secondary.name() + "' reseeded");
            }
        } else {
            reseed(secondary, primary, role == ServerRole.RESEEDING && !state.initialized()
                    ? "initial seed" : "role " + role);
            steps.done("secondary '" + secondary.name() + "' seeded from a base backup");
        }
        pointListener(readOnly, secondary, "secondary streaming");
    }

    private void resumeStandby(PostgresServer standby, PostgresServer primary) {
        if (primary.state() == ServerState.RUNNING) {
            ensureSlot(primary, standby.slotName());
        }
        standby.writeConfig(RoleSettings.standby(primary.port(), standby.slotName()));
        standby.start(config.startupTimeout(), "resuming as secondary of '" + primary.name() + "'");
        if (primary.state() == ServerState.RUNNING) {
            try {
                awaitStreaming(standby, config.startupTimeout());
            } catch (GeoDbException e) {
                standby.stop(config.shutdownTimeout(), "cannot stream");
                throw e;
            }
        }
    }

    private void ensureApplicationDatabase(PostgresServer primary) {
        String user = config.user();
        String password = config.password().replace("'", "''");
        try (Connection c = primary.connect("postgres", 10); Statement s = c.createStatement()) {
            boolean roleExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + user + "'")) {
                roleExists = rs.next();
            }
            s.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + user + " LOGIN PASSWORD '" + password + "'");
            boolean databaseExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + config.databaseName() + "'")) {
                databaseExists = rs.next();
            }
            if (!databaseExists) {
                s.execute("CREATE DATABASE " + config.databaseName() + " OWNER " + user);
            }
        } catch (SQLException e) {
            throw new GeoDbException("cannot create the application's role '" + user + "' and database '"
                    + config.databaseName() + "' on '" + primary.name() + "': " + e.getMessage(), e);
        }
    }

    // ===== listeners =============================================================================

    /** The read-write listener: always leads to the current primary. */
    public ListenerEndpoint readWriteListener() {
        return endpoint(readWrite);
    }

    /** The read-only listener: leads to the readable secondary. */
    public ListenerEndpoint readOnlyListener() {
        return endpoint(readOnly);
    }

    private ListenerEndpoint endpoint(TcpListener listener) {
        if (!started && state == null) {
            throw new IllegalStateException("the listeners have no address before start()");
        }
        return new ListenerEndpoint(listener.name(), "127.0.0.1", listener.port(), config.databaseName());
    }

    private void pointListener(TcpListener listener, PostgresServer server, String why) {
        TcpListener.Route before = listener.route();
        listener.pointAt(new TcpListener.Route(server.name(), server.port()));
        emit(GeoDbEvent.Kind.LISTENER, listener.name(), before == null ? null : before.server(), server.name(), why);
    }

    private void clearListener(TcpListener listener, String why) {
        TcpListener.Route before = listener.route();
        listener.clear();
        if (before != null) {
            emit(GeoDbEvent.Kind.LISTENER, listener.name(), before.server(), null, why);
        }
    }

    // ===== failover ==============================================================================

    /** A planned failover (Azure {@code failover}). */
    public FailoverReport failover() {
        return failover(FailoverMode.PLANNED, ProgressListener.NONE);
    }

    /** A failover of the given mode without progress output. */
    public FailoverReport failover(FailoverMode mode) {
        return failover(mode, ProgressListener.NONE);
    }

    /**
     * Performs a failover with Azure SQL failover group semantics; see {@link FailoverMode}.
     *
     * @return the timed phases
     * @throws FailoverRefusedException when it cannot be done; then nothing changed
     */
    public FailoverReport failover(FailoverMode mode, ProgressListener progress) {
        Objects.requireNonNull(mode, "mode must not be null");
        operations.lock();
        try {
            requireStarted();
            return doFailover(mode, progress, "requested by the operator");
        } finally {
            operations.unlock();
        }
    }

    private FailoverReport doFailover(FailoverMode mode, ProgressListener progress, String reason) {
        Instant startedAt = config.clock().instant();
        PostgresServer oldPrimary = servers.get(primaryName);
        emit(GeoDbEvent.Kind.FAILOVER, oldPrimary.name(), mode, null, "begins: " + reason);
        Steps steps = new Steps(progress);
        try {
            return runFailover(mode, reason, startedAt, oldPrimary, steps);
        } catch (RuntimeException e) {
            emit(GeoDbEvent.Kind.FAILOVER, oldPrimary.name(), mode, null, "failed: " + e.getMessage());
            throw e;
        }
    }

    private FailoverReport runFailover(FailoverMode mode, String reason, Instant startedAt, PostgresServer oldPrimary,
            Steps steps) {
        FailoverReport report;
        switch (mode) {
            case PLANNED -> {
                planned(steps, config.plannedFailoverTimeout());
                report = report(mode, FailoverMode.PLANNED, oldPrimary, startedAt, steps, null, reason);
            }
            case FORCED -> {
                forced(steps, reason);
                report = report(mode, FailoverMode.FORCED, oldPrimary, startedAt, steps, null, reason);
            }
            case TRY_PLANNED -> {
                String fallback = null;
                try {
                    planned(steps, config.plannedFailoverTimeout());
                } catch (FailoverRefusedException e) {
                    if (secondaryServer() == null || !secondaryServer().processAlive()) {
                        throw e;
                    }
                    fallback = e.getMessage();
                    LOG.warn("Planned failover not possible, forcing it: {}", fallback);
                    steps.done("planned failover abandoned");
                    forced(steps, reason + "; planned failover not possible");
                }
                report = report(mode, fallback == null ? FailoverMode.PLANNED : FailoverMode.FORCED, oldPrimary,
                        startedAt, steps, fallback, reason);
            }
            default -> throw new IllegalArgumentException("unknown failover mode " + mode);
        }
        lastFailover = report;
        emit(GeoDbEvent.Kind.FAILOVER, report.newPrimary(), oldPrimary.name(), report.newPrimary(), report.toString());
        return report;
    }

    private FailoverReport report(FailoverMode requested, FailoverMode performed, PostgresServer oldPrimary,
            Instant startedAt, Steps steps, String fallback, String reason) {
        return new FailoverReport(requested, performed, oldPrimary.name(), primaryName, startedAt,
                List.copyOf(steps.phases), performed == FailoverMode.FORCED, fallback, reason);
    }

    /**
     * Planned failover: stop writes, wait for the secondary to replay all of them, stop the old
     * primary cleanly, promote, move the listeners, and let the old primary follow the new
     * timeline. Zero acknowledged writes are lost: every commit acknowledged before writes
     * stopped is at or before the LSN the secondary must replay before it is promoted.
     */
    private void planned(Steps steps, Duration timeout) {
        PostgresServer oldPrimary = primaryServer();
        PostgresServer newPrimary = requirePromotableSecondary();
        if (oldPrimary.state() != ServerState.RUNNING || !oldPrimary.reachable(3)) {
            throw FailoverRefusedException.primaryUnreachable(oldPrimary.name(),
                    oldPrimary.state() == ServerState.RUNNING ? new GeoDbException("it does not answer") : null);
        }
        boolean streaming;
        try {
            streaming = newPrimary.streaming();
        } catch (SQLException e) {
            streaming = false;
        }
        if (!streaming) {
            throw FailoverRefusedException.noSecondary(newPrimary.name(), "it is not streaming from '"
                    + oldPrimary.name() + "', so it cannot catch up");
        }
        long deadline = System.nanoTime() + timeout.toNanos();

        // 1. Stop writes: the listener holds new connections and cuts the open ones, the primary
        //    refuses new read-write transactions and its client sessions are terminated.
        readWrite.hold();
        long target;
        try {
            oldPrimary.writeConfig(RoleSettings.primary(synchronousCommit ? newPrimary.name() : null, true));
            oldPrimary.reload();
            oldPrimary.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND pid <> pg_backend_pid() AND application_name <> '" + PostgresServer.ADMIN_APPLICATION + "'");
            target = oldPrimary.currentLsn();
        } catch (SQLException | RuntimeException e) {
            resumeWrites(oldPrimary, newPrimary);
            throw FailoverRefusedException.primaryUnreachable(oldPrimary.name(), e);
        }
        steps.done("writes stopped");

        // 2. The secondary replays everything up to the last write.
        try {
            Deadline.await("'" + newPrimary.name() + "' to replay up to " + Lsn.format(target), remaining(deadline), POLL,
                    () -> {
                        Long replayed = newPrimary.replayLsn();
                        return replayed != null && replayed >= target ? Boolean.TRUE : null;
                    }, () -> "replayed " + safeReplayLsn(newPrimary));
        } catch (GeoDbException e) {
            resumeWrites(oldPrimary, newPrimary);
            throw FailoverRefusedException.catchUpTimedOut(newPrimary.name(), timeout,
                    "primary at " + Lsn.format(target) + ", secondary replayed " + safeReplayLsn(newPrimary), e);
        }
        steps.done("secondary caught up");

        // 3. Stop the old primary cleanly: its shutdown checkpoint is streamed to the secondary,
        //    after which the old primary can follow the new timeline without a reseed.
        readOnly.hold();
        oldPrimary.stop(config.shutdownTimeout(), "planned failover");
        boolean canFollow = false;
        try {
            ControlFile control = ControlFile.read(oldPrimary.dataDir());
            if (control.cleanlyShutDown()) {
                Deadline.await("'" + newPrimary.name() + "' to replay the shutdown checkpoint of '" + oldPrimary.name()
                        + "' at " + Lsn.format(control.checkpointLsn()), Duration.ofSeconds(5), POLL, () -> {
                            Long replayed = newPrimary.replayLsn();
                            return replayed != null && replayed > control.checkpointLsn() ? Boolean.TRUE : null;
                        }, () -> "replayed " + safeReplayLsn(newPrimary));
                canFollow = true;
            }
        } catch (IOException | GeoDbException e) {
            LOG.warn("'{}' will be reseeded instead of following the new timeline: {}", oldPrimary.name(), e.getMessage());
        }
        steps.done("old primary stopped");

        // 4. Promote. Roles are saved right after, so a restart resumes the new roles.
        try {
            promote(newPrimary);
        } catch (RuntimeException e) {
            // Which server would accept writes is unknown now: lead nowhere rather than risk two
            // primaries, and let the operator decide (forced failover, or bring the old one up).
            clearListener(readWrite, "planned failover: promotion failed");
            clearListener(readOnly, "planned failover: promotion failed");
            throw new GeoDbException("planned failover: writes were stopped and '" + oldPrimary.name()
                    + "' was shut down, but promoting '" + newPrimary.name() + "' failed: " + e.getMessage()
                    + "; both listeners lead nowhere until a forced failover or bringUp(\"" + oldPrimary.name() + "\")", e);
        }
        primaryName = newPrimary.name();
        newPrimary.role(ServerRole.PRIMARY, "planned failover");
        if (canFollow) {
            oldPrimary.role(ServerRole.SECONDARY, "planned failover: follows the new primary");
        } else {
            oldPrimary.markFenced("planned failover: did not stop cleanly enough to follow the new timeline");
            oldPrimary.role(ServerRole.FENCED, "planned failover: must be reseeded to follow the new primary");
        }
        saveRoles(newPrimary);
        configureNewPrimary(newPrimary, oldPrimary);
        steps.done("promoted");

        pointListener(readWrite, newPrimary, "planned failover");
        steps.done("listeners moved");

        // 5. The old primary becomes the secondary.
        rejoin(oldPrimary, newPrimary, canFollow, steps);
    }

    private void resumeWrites(PostgresServer primary, PostgresServer secondary) {
        try {
            primary.writeConfig(RoleSettings.primary(synchronousCommit ? secondary.name() : null, false));
            primary.reload();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not re-enable writes on '{}': {}", primary.name(), e.getMessage());
        }
        pointListener(readWrite, primary, "planned failover abandoned");
    }

    private void rejoin(PostgresServer oldPrimary, PostgresServer newPrimary, boolean canFollow, Steps steps) {
        try {
            if (canFollow) {
                try {
                    oldPrimary.dropLocalSlots();
                    oldPrimary.writeConfig(RoleSettings.standby(newPrimary.port(), oldPrimary.slotName()));
                    oldPrimary.start(config.startupTimeout(), "following the new primary '" + newPrimary.name() + "'");
                    awaitStreaming(oldPrimary, config.startupTimeout());
                } catch (GeoDbException e) {
                    LOG.warn("'{}' cannot follow the new timeline ({}); reseeding it", oldPrimary.name(), e.getMessage());
                    oldPrimary.kill("cannot follow the new timeline");
                    oldPrimary.role(ServerRole.RESEEDING, "cannot follow the new timeline");
                    reseed(oldPrimary, newPrimary, "cannot follow the new timeline");
                }
            } else {
                reseed(oldPrimary, newPrimary, "planned failover");
            }
            pointListener(readOnly, oldPrimary, "old primary is the new secondary");
            steps.done("old primary rejoined as secondary");
        } catch (RuntimeException e) {
            // The failover itself is complete; the old primary stays out until it is brought up.
            LOG.error("'{}' could not rejoin as secondary: {}", oldPrimary.name(), e.getMessage());
            clearListener(readOnly, "no secondary");
        }
        updateSynchronousCommit();
    }

    /**
     * Forced failover: fence the old primary first (persisted marker, SIGKILL if it runs), then
     * promote the secondary and move the listeners. Writes the secondary had not replayed are lost.
     */
    private void forced(Steps steps, String reason) {
        PostgresServer newPrimary = requirePromotableSecondary();
        PostgresServer oldPrimary = other(newPrimary);
        readWrite.hold();
        readOnly.hold();
        boolean oldWasRunning = oldPrimary.processAlive();
        oldPrimary.markFenced("forced failover: " + reason);
        if (oldPrimary.role() != ServerRole.FENCED) {
            oldPrimary.role(ServerRole.FENCED, "forced failover");
        }
        // Persist the outcome before acting: a crash from here on resumes with the old primary
        // fenced and completes the promotion of the new one (it still has standby.signal).
        state.primary(newPrimary.name());
        state.role(oldPrimary.name(), ServerRole.FENCED);
        state.role(newPrimary.name(), ServerRole.PRIMARY);
        state.save();
        if (oldWasRunning) {
            oldPrimary.kill("fenced by a forced failover");
        } else if (oldPrimary.state() == ServerState.RUNNING) {
            oldPrimary.kill("found dead while fencing");
        }
        steps.done("old primary fenced");

        promote(newPrimary);
        primaryName = newPrimary.name();
        newPrimary.role(ServerRole.PRIMARY, "forced failover");
        saveRoles(newPrimary);
        configureNewPrimary(newPrimary, oldPrimary);
        steps.done("promoted");

        pointListener(readWrite, newPrimary, "forced failover");
        clearListener(readOnly, "forced failover: no secondary until the old primary is reseeded");
        steps.done("listeners moved");

        if (oldWasRunning) {
            // Its region is still there: like Azure, it comes back as the new secondary at once.
            try {
                reseed(oldPrimary, newPrimary, "forced failover");
                pointListener(readOnly, oldPrimary, "old primary reseeded as the new secondary");
                steps.done("old primary reseeded as secondary");
            } catch (RuntimeException e) {
                LOG.error("The fenced '{}' could not be reseeded now: {}; it will be when brought up",
                        oldPrimary.name(), e.getMessage());
            }
        }
        updateSynchronousCommit();
    }

    private PostgresServer requirePromotableSecondary() {
        PostgresServer secondary = secondaryServer();
        if (secondary == null) {
            PostgresServer other = other(servers.get(primaryName));
            throw FailoverRefusedException.noSecondary(other.name(), "its role is " + other.role()
                    + " (it must be reseeded and streaming first)");
        }
        if (secondary.state() != ServerState.RUNNING || !secondary.reachable(3)) {
            throw FailoverRefusedException.noSecondary(secondary.name(), "it is " + secondary.state()
                    + " and does not answer; bring it up first");
        }
        return secondary;
    }

    private void promote(PostgresServer server) {
        try {
            Boolean promoted = server.queryOne("SELECT pg_promote(true, 60)", rs -> rs.getBoolean(1));
            if (!Boolean.TRUE.equals(promoted)) {
                throw new GeoDbException("pg_promote() on '" + server.name() + "' returned false");
            }
            Deadline.await("'" + server.name() + "' to leave recovery", config.startupTimeout(), POLL,
                    () -> server.inRecovery() ? null : Boolean.TRUE, () -> "still in recovery");
        } catch (SQLException e) {
            throw new GeoDbException("promotion of '" + server.name() + "' failed: " + e.getMessage()
                    + "; last lines of " + server.logFile() + ":\n" + server.logTail(10), e);
        }
    }

    private void configureNewPrimary(PostgresServer newPrimary, PostgresServer futureStandby) {
        synchronousCommit = false;
        newPrimary.writeConfig(RoleSettings.primary(null, false));
        reloadQuietly(newPrimary);
        try {
            ensureSlot(newPrimary, futureStandby.slotName());
        } catch (GeoDbException e) {
            LOG.warn("Could not create the replication slot for '{}' on '{}': {}", futureStandby.name(),
                    newPrimary.name(), e.getMessage());
        }
    }

    private void saveRoles(PostgresServer primary) {
        state.primary(primary.name());
        for (PostgresServer s : servers.values()) {
            state.role(s.name(), s.role());
        }
        state.save();
    }

    // ===== reseed ================================================================================

    /**
     * Replaces {@code server}'s data with a fresh base backup of {@code primary} and starts it as
     * the secondary. Used for the first seed, for fenced servers and for secondaries that cannot
     * stream any more ({@code pg_rewind} is not in the bundle).
     */
    private void reseed(PostgresServer server, PostgresServer primary, String why) {
        if (primary.state() != ServerState.RUNNING) {
            throw new GeoDbException("cannot reseed '" + server.name() + "' (" + why + "): it needs a base backup of the "
                    + "primary '" + primary.name() + "', which is " + primary.state() + "; bring the primary up first");
        }
        if (server.role() != ServerRole.RESEEDING) {
            server.role(ServerRole.RESEEDING, why);
        }
        server.markFenced("reseeding: " + why);
        state.role(server.name(), ServerRole.RESEEDING);
        state.save();
        try {
            if (server.processAlive()) {
                server.kill("its data is replaced by a reseed");
            }
            server.markStopped("reseeding");
            server.prepareDirectories();
            server.wipeData();
            BaseBackup.copy(primary, server);
            server.writeConfig(RoleSettings.standby(primary.port(), server.slotName()));
            account.own(server.serverDir());
            server.start(config.startupTimeout(), "reseeded from '" + primary.name() + "'");
            awaitStreaming(server, config.startupTimeout());
        } catch (RuntimeException e) {
            if (server.processAlive()) {
                server.kill("reseed failed");
            }
            server.role(ServerRole.FENCED, "reseed failed: " + e.getMessage());
            state.role(server.name(), ServerRole.FENCED);
            state.save();
            throw e;
        }
        server.role(ServerRole.SECONDARY, "reseeded from '" + primary.name() + "'");
        server.clearFencedMarker();
        state.role(server.name(), ServerRole.SECONDARY);
        state.save();
    }

    private void awaitStreaming(PostgresServer standby, Duration timeout) {
        Deadline.await("'" + standby.name() + "' to stream from the primary", timeout, Duration.ofMillis(50), () -> {
            if (!standby.processAlive()) {
                throw new GeoDbException("'" + standby.name() + "' exited; last lines of " + standby.logFile() + ":\n"
                        + standby.logTail(10));
            }
            return standby.streaming() ? Boolean.TRUE : null;
        }, () -> "log " + standby.logFile() + ":\n" + standby.logTail(5));
    }

    private static void ensureSlot(PostgresServer primary, String slot) {
        try (Connection c = primary.connect("postgres", 5); Statement s = c.createStatement()) {
            BaseBackup.ensureSlot(s, slot);
        } catch (SQLException e) {
            throw new GeoDbException("cannot create the replication slot " + slot + " on '" + primary.name() + "': "
                    + e.getMessage(), e);
        }
    }

    // ===== regions down and up ===================================================================

    /**
     * SIGKILLs the server's postmaster, the way a region disappears. Its role is kept: a killed
     * primary stays primary (and unreachable) until it comes back or a failover moves the role.
     */
    public void kill(String serverName) {
        operations.lock();
        try {
            requireStarted();
            PostgresServer server = server(serverName);
            server.kill("killed (region down)");
            afterServerLeft(server);
        } finally {
            operations.unlock();
        }
    }

    /** Stops the server cleanly (fast shutdown). Its role is kept. */
    public void stop(String serverName) {
        operations.lock();
        try {
            requireStarted();
            PostgresServer server = server(serverName);
            server.stop(config.shutdownTimeout(), "stopped by the operator");
            afterServerLeft(server);
        } finally {
            operations.unlock();
        }
    }

    private void afterServerLeft(PostgresServer server) {
        TcpListener.Route ro = readOnly.route();
        if (ro != null && ro.server().equals(server.name())) {
            clearListener(readOnly, "'" + server.name() + "' is down");
        }
        updateSynchronousCommit();
    }

    /**
     * Brings a server back (region up). A returning primary resumes as primary; a returning
     * secondary resumes streaming; a fenced former primary is reseeded from the current primary
     * and becomes the secondary. Does nothing when the server runs.
     */
    public void bringUp(String serverName) {
        operations.lock();
        try {
            requireStarted();
            PostgresServer server = server(serverName);
            if (server.state() == ServerState.RUNNING && server.processAlive()) {
                return;
            }
            if (server.processAlive()) {
                server.kill("restarting a half-started server");
            }
            server.markStopped("being brought up");
            PostgresServer primary = server.role() == ServerRole.PRIMARY ? server : primaryServer();
            switch (server.role()) {
                case PRIMARY -> {
                    server.writeConfig(RoleSettings.primary(null, false));
                    server.start(config.startupTimeout(), "region up: resuming as primary");
                    synchronousCommit = false;
                    pointListener(readWrite, server, "primary is back");
                }
                case SECONDARY -> {
                    try {
                        resumeStandby(server, primary);
                    } catch (GeoDbException e) {
                        LOG.warn("'{}' cannot resume streaming ({}); reseeding it", server.name(), e.getMessage());
                        server.kill("cannot resume streaming");
                        reseed(server, primary, "could not resume streaming");
                    }
                    pointListener(readOnly, server, "secondary is back");
                }
                case FENCED, RESEEDING -> {
                    reseed(server, primary, "region up after being fenced");
                    pointListener(readOnly, server, "former primary is back as the secondary");
                }
                default -> throw new IllegalStateException("unknown role " + server.role());
            }
            updateSynchronousCommit();
        } finally {
            operations.unlock();
        }
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

    // ===== synchronous commit ====================================================================

    /**
     * In SYNC mode, names the secondary in {@code synchronous_standby_names} while it streams and
     * clears it while it does not, so that the primary never waits for a secondary that is gone.
     */
    private void updateSynchronousCommit() {
        if (config.replicationMode() != ReplicationMode.SYNC) {
            return;
        }
        PostgresServer primary = primaryServer();
        PostgresServer secondary = secondaryServer();
        if (primary == null || primary.state() != ServerState.RUNNING) {
            return;
        }
        boolean want = false;
        if (secondary != null && secondary.state() == ServerState.RUNNING) {
            try {
                want = Boolean.TRUE.equals(primary.queryOne("SELECT count(*) > 0 FROM pg_stat_replication WHERE "
                        + "application_name = '" + secondary.name() + "' AND state = 'streaming'", rs -> rs.getBoolean(1)));
            } catch (SQLException e) {
                return;
            }
        }
        if (want == synchronousCommit) {
            return;
        }
        primary.writeConfig(RoleSettings.primary(want ? secondary.name() : null, false));
        try {
            primary.reload();
        } catch (SQLException e) {
            LOG.warn("Could not reload '{}' to switch synchronous commit: {}", primary.name(), e.getMessage());
            return;
        }
        boolean before = synchronousCommit;
        synchronousCommit = want;
        emit(GeoDbEvent.Kind.REPLICATION, primary.name(), before ? "synchronous" : "asynchronous",
                want ? "synchronous" : "asynchronous", want ? "secondary '" + secondary.name() + "' streams"
                        : "no streaming secondary: commits no longer wait for one");
    }

    // ===== watcher / automatic failover ==========================================================

    private void startWatcher() {
        watcher = Executors.newSingleThreadScheduledExecutor(Threads.daemon("hadr-geodb-watcher"));
        long interval = config.healthCheckInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::watch, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * One health check: tracks how long the primary has been unreachable and, with the AUTOMATIC
     * policy, forces a failover once that reaches the grace period (Azure's
     * {@code failoverWithDataLossGracePeriodMinutes}). Skipped while an operation runs.
     */
    private void watch() {
        if (closed || !operations.tryLock()) {
            return;
        }
        try {
            if (closed || !started) {
                return;
            }
            PostgresServer primary = primaryServer();
            Instant now = config.clock().instant();
            if (primary.reachable(2)) {
                if (primaryUnreachableSince != null) {
                    emit(GeoDbEvent.Kind.STATE, primary.name(), "unreachable", "reachable", "primary answers again");
                }
                primaryUnreachableSince = null;
                automaticFailoverBlockedLogged = false;
            } else {
                if (primaryUnreachableSince == null) {
                    primaryUnreachableSince = now;
                    emit(GeoDbEvent.Kind.STATE, primary.name(), "reachable", "unreachable", "primary does not answer"
                            + (config.failoverPolicy() == FailoverPolicy.AUTOMATIC
                            ? "; automatic failover after " + config.failoverGracePeriod() : ""));
                }
                Duration outage = Duration.between(primaryUnreachableSince, now);
                if (config.failoverPolicy() == FailoverPolicy.AUTOMATIC
                        && outage.compareTo(config.failoverGracePeriod()) >= 0) {
                    automaticFailover(primary, outage);
                }
            }
            updateSynchronousCommit();
        } catch (RuntimeException e) {
            LOG.warn("Health check failed: {}", e.toString());
        } finally {
            operations.unlock();
        }
    }

    private void automaticFailover(PostgresServer primary, Duration outage) {
        PostgresServer secondary = secondaryServer();
        if (secondary == null || secondary.state() != ServerState.RUNNING) {
            if (!automaticFailoverBlockedLogged) {
                LOG.error("Automatic failover due (primary '{}' unreachable for {}), but there is no running secondary",
                        primary.name(), outage);
                automaticFailoverBlockedLogged = true;
            }
            return;
        }
        try {
            FailoverReport report = doFailover(FailoverMode.FORCED, ProgressListener.NONE,
                    "automatic failover policy: primary '" + primary.name() + "' unreachable for " + outage
                            + " (grace period " + config.failoverGracePeriod() + ")");
            LOG.warn("Automatic failover done: {}", report);
            primaryUnreachableSince = null;
        } catch (RuntimeException e) {
            LOG.error("Automatic failover failed: {}", e.getMessage());
        }
    }

    // ===== status ================================================================================

    /** The group as it is now; servers that do not answer have null values and an error. */
    public GeoDbStatus status() {
        requireStarted();
        List<ServerStatus> list = new ArrayList<>();
        for (PostgresServer server : servers.values()) {
            list.add(serverStatus(server));
        }
        PostgresServer primary = servers.get(primaryName);
        PostgresServer secondary = secondaryServer();
        Long lagBytes = null;
        Long lagMillis = null;
        if (primary != null && secondary != null && primary.processAlive()) {
            try (Connection c = primary.connect("postgres", 2); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, "
                            + "(extract(epoch FROM replay_lag) * 1000)::bigint FROM pg_stat_replication "
                            + "WHERE application_name = '" + secondary.name() + "'")) {
                if (rs.next()) {
                    lagBytes = Math.max(0, rs.getLong(1));
                    long millis = rs.getLong(2);
                    lagMillis = lagBytes == 0 ? Long.valueOf(0) : rs.wasNull() ? null : Long.valueOf(millis);
                }
            } catch (SQLException e) {
                LOG.debug("Replication lag unavailable: {}", e.getMessage());
            }
            if (lagBytes == null) {
                ServerStatus p = list.stream().filter(x -> x.name().equals(primary.name())).findFirst().orElseThrow();
                ServerStatus sec = list.stream().filter(x -> x.name().equals(secondary.name())).findFirst().orElseThrow();
                if (p.currentLsn() != null && sec.replayLsn() != null) {
                    lagBytes = Math.max(0, Lsn.parse(p.currentLsn()) - Lsn.parse(sec.replayLsn()));
                    lagMillis = lagBytes == 0 ? Long.valueOf(0) : null;
                }
            }
        }
        TcpListener.Route rw = readWrite.route();
        TcpListener.Route ro = readOnly.route();
        return new GeoDbStatus(primary == null ? null : primary.name(), secondary == null ? null : secondary.name(),
                List.copyOf(list), readWriteListener(), rw == null ? null : rw.server(), readOnlyListener(),
                ro == null ? null : ro.server(), config.replicationMode(), synchronousCommit, lagBytes, lagMillis,
                config.failoverPolicy(), primaryUnreachableSince, config.nonAzureDeviations(), lastFailover);
    }

    private ServerStatus serverStatus(PostgresServer server) {
        Long pid = server.pid();
        if (pid == null) {
            return new ServerStatus(server.name(), server.role(), server.state(), server.port(), null, null, null, null,
                    null, null, null, server.logFile(), null);
        }
        String sql = "SELECT pg_is_in_recovery(), "
                + "CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn()::text END, "
                + "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
                + "CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END, "
                + "(SELECT status FROM pg_stat_wal_receiver), (SELECT received_tli FROM pg_stat_wal_receiver), "
                + "(SELECT timeline_id FROM pg_control_checkpoint())";
        try {
            return server.queryOne(sql, rs -> {
                boolean recovery = rs.getBoolean(1);
                Integer timeline;
                if (!recovery) {
                    timeline = Integer.parseInt(rs.getString(5).substring(0, 8), 16);
                } else {
                    int received = rs.getInt(7);
                    timeline = rs.wasNull() ? Integer.valueOf(rs.getInt(8)) : Integer.valueOf(received);
                }
                return new ServerStatus(server.name(), server.role(), server.state(), server.port(), pid, recovery,
                        timeline, rs.getString(2), recovery ? rs.getString(3) : null, recovery ? rs.getString(4) : null,
                        recovery ? "streaming".equals(rs.getString(6)) : null, server.logFile(), null);
            });
        } catch (SQLException e) {
            return new ServerStatus(server.name(), server.role(), server.state(), server.port(), pid, null, null, null,
                    null, null, null, server.logFile(), e.getMessage());
        }
    }

    /** The server holding the primary role. */
    public String primary() {
        requireStarted();
        return primaryName;
    }

    /** The server holding the secondary role, or null while there is none. */
    public String secondary() {
        requireStarted();
        PostgresServer s = secondaryServer();
        return s == null ? null : s.name();
    }

    /** The role of a server. */
    public ServerRole role(String serverName) {
        return server(serverName).role();
    }

    /** Whether a server's process runs. */
    public ServerState state(String serverName) {
        return server(serverName).state();
    }

    /** The file that receives a server's PostgreSQL log. */
    public Path logFile(String serverName) {
        return server(serverName).logFile();
    }

    /** A server's own PostgreSQL port on 127.0.0.1 (not through a listener). */
    public int port(String serverName) {
        return server(serverName).port();
    }

    // ===== close =================================================================================

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
        if (watcher != null) {
            watcher.shutdownNow();
            try {
                watcher.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        operations.lock();
        try {
            shutDownEverything(true);
        } finally {
            operations.unlock();
        }
    }

    private void shutDownEverything(boolean clean) {
        readWrite.close();
        readOnly.close();
        List<PostgresServer> order = new ArrayList<>();
        servers.values().stream().filter(s -> s.role() == ServerRole.PRIMARY).forEach(order::add);
        servers.values().stream().filter(s -> s.role() != ServerRole.PRIMARY).forEach(order::add);
        for (PostgresServer server : order) {
            try {
                if (clean) {
                    server.stop(config.shutdownTimeout(), "failover group closed");
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
        if (state != null && clean && started) {
            state.save();
        }
        if (launcher != null) {
            launcher.close();
        }
        started = false;
    }

    // ===== helpers ===============================================================================

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException(closed ? "this GeoDatabase is closed" : "this GeoDatabase is not started");
        }
    }

    private PostgresServer server(String name) {
        PostgresServer server = servers.get(name);
        if (server == null) {
            Collection<String> names = servers.isEmpty()
                    ? config.servers().stream().map(ServerSpec::name).toList() : servers.keySet();
            throw new IllegalArgumentException("no server named '" + name + "'; the servers are " + names);
        }
        return server;
    }

    private PostgresServer primaryServer() {
        return servers.values().stream().filter(s -> s.role() == ServerRole.PRIMARY).findFirst().orElse(null);
    }

    private PostgresServer secondaryServer() {
        return servers.values().stream().filter(s -> s.role() == ServerRole.SECONDARY).findFirst().orElse(null);
    }

    private PostgresServer other(PostgresServer server) {
        return servers.values().stream().filter(s -> s != server).findFirst().orElseThrow();
    }

    private static void reloadQuietly(PostgresServer server) {
        try {
            server.reload();
        } catch (SQLException e) {
            LOG.warn("Could not reload the configuration of '{}': {}", server.name(), e.getMessage());
        }
    }

    private static String safeReplayLsn(PostgresServer server) {
        try {
            return Lsn.format(server.replayLsn());
        } catch (SQLException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }


    private static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private void emit(GeoDbEvent.Kind kind, String subject, Object from, Object to, String reason) {
        GeoDbEvent event = new GeoDbEvent(config.clock().instant(), kind, subject, from == null ? null : from.toString(),
                to == null ? null : to.toString(), reason);
        LOG.info("{} {}: {} -> {} ({})", kind, subject, event.from(), event.to(), reason);
        for (Consumer<GeoDbEvent> listener : eventListeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("An event listener failed: {}", e.toString());
            }
        }
    }

    /** Times the phases of one operation. */
    private static final class Steps {
        private final long start = System.nanoTime();
        private final List<FailoverReport.Phase> phases = new ArrayList<>();
        private final ProgressListener progress;

        Steps(ProgressListener progress) {
            this.progress = progress == null ? ProgressListener.NONE : progress;
        }

        void done(String name) {
            Duration at = Duration.ofNanos(System.nanoTime() - start);
            FailoverReport.Phase phase = new FailoverReport.Phase(name, at);
            phases.add(phase);
            LOG.info("{}", phase);
            try {
                progress.onStep(name, at);
            } catch (RuntimeException e) {
                LOG.warn("A progress listener failed: {}", e.toString());
            }
        }
    }
}
