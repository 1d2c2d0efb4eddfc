package io.hadr.geodb.internal;

import io.hadr.toolkit.LogTail;
import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server of the group: its directories, its {@code hadr.conf}, its process and
 * the administrator's SQL connection to it.
 *
 * <p>Layout: {@code <dataRoot>/<name>/data} is PGDATA, {@code <dataRoot>/<name>/postgres.log}
 * receives the server's stdout and stderr (no logging collector, so the file is complete even
 * when the server dies), {@code <dataRoot>/<name>/FENCED} marks a server that must be reseeded.
 */
public final class PostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    public static final String ADMIN_USER = "postgres";
    public static final String ADMIN_APPLICATION = "hadr-geodb";
    private static final String CONFIG_FILE = "hadr.conf";
    private static final String FENCED_MARKER = "FENCED";

    /** Settings every server gets; sized for a 2-core machine. */
    private static final Map<String, String> BASE_SETTINGS = orderedMap(
            "listen_addresses", "127.0.0.1",
            // No Unix socket: PostgreSQL is reached over loopback TCP only, and a socket in /tmp
            // would collide between groups.
            "unix_socket_directories", "",
            "shared_buffers", "32MB",
            "wal_level", "replica",
            "hot_standby", "on",
            "hot_standby_feedback", "on",
            "max_wal_senders", "5",
            "max_replication_slots", "5",
            "wal_keep_size", "64MB",
            "wal_log_hints", "on",
            "wal_receiver_status_interval", "1s",
            "wal_sender_timeout", "10s",
            "wal_receiver_timeout", "10s",
            "wal_retrieve_retry_interval", "1s",
            "max_wal_size", "256MB",
            "min_wal_size", "64MB",
            "password_encryption", "scram-sha-256",
            "logging_collector", "off",
            "log_line_prefix", "%m [%p] %q%a ",
            "archive_mode", "off");

    private final String name;
    private final Path serverDir;
    private final Path dataDir;
    private final Path logFile;
    private final PgProcesses launcher;
    private final Path binDir;
    private final String adminPassword;
    private final int maxConnections;
    private final Map<String, String> extraSettings;
    private final StateMachine<ServerRole> role;
    private final StateMachine<ServerState> state;
    private volatile int port;
    private volatile Process process;
    /** Set when hadr itself ends the process, so its exit is not reported as a crash. */
    private volatile boolean exitExpected;

    public PostgresServer(String name, Path dataRoot, int port, ServerRole initialRole, PgProcesses launcher,
            Path binDir, String adminPassword, int maxConnections, Map<String, String> extraSettings, EventSink events) {
        this.name = name;
        this.serverDir = dataRoot.resolve(name);
        this.dataDir = serverDir.resolve("data");
        this.logFile = serverDir.resolve("postgres.log");
        this.port = port;
        this.launcher = launcher;
        this.binDir = binDir;
        this.adminPassword = adminPassword;
        this.maxConnections = maxConnections;
        this.extraSettings = extraSettings;
        this.role = new StateMachine<>("server '" + name + "' role", initialRole, ServerRole::canMoveTo,
                (subject, from, to, reason) -> events.emit(GeoDbEvent.Kind.ROLE, name, from, to, reason));
        this.state = new StateMachine<>("server '" + name + "' state", ServerState.STOPPED, ServerState::canMoveTo,
                (subject, from, to, reason) -> events.emit(GeoDbEvent.Kind.STATE, name, from, to, reason));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path serverDir() {
        return serverDir;
    }

    public Path logFile() {
        return logFile;
    }

    public ServerRole role() {
        return role.get();
    }

    public void role(ServerRole next, String reason) {
        role.moveTo(next, reason);
    }

    public ServerState state() {
        return state.get();
    }

    /** The replication slot the primary keeps for this server while it is a standby. */
    public String slotName() {
        return "hadr_" + name.replace('-', '_');
    }

    public Long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : null;
    }

    public boolean processAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    // ----- files -----------------------------------------------------------------------------

    public boolean hasData() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    public boolean hasStandbySignal() {
        return Files.exists(dataDir.resolve("standby.signal"));
    }

    public boolean fencedMarker() {
        return Files.exists(serverDir.resolve(FENCED_MARKER));
    }

    /** Persists the fence next to the data, so no restart can bring this server up as a primary. */
    public void markFenced(String reason) {
        try {
            Files.createDirectories(serverDir);
            Files.writeString(serverDir.resolve(FENCED_MARKER), "fenced: " + reason + System.lineSeparator()
                    + "This server must be reseeded from the primary before it serves again; hadr does it when the "
                    + "server is brought back." + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GeoDbException("cannot write the fence marker of '" + name + "': " + e, e);
        }
    }

    public void clearFencedMarker() {
        try {
            Files.deleteIfExists(serverDir.resolve(FENCED_MARKER));
        } catch (IOException e) {
            throw new GeoDbException("cannot remove the fence marker of '" + name + "': " + e, e);
        }
    }

    /** Prepares the server directory: owned by the PostgreSQL account, reachable by it. */
    public void prepareDirectories() {
        try {
            Files.createDirectories(serverDir);
            Files.setPosixFilePermissions(serverDir, PosixFilePermissions.fromString("rwx------"));
            if (!Files.exists(logFile)) {
                Files.createFile(logFile);
            }
            launcher.account().own(serverDir);
        } catch (IOException e) {
            throw new GeoDbException("cannot prepare the directory of server '" + name + "' (" + serverDir + "): " + e, e);
        }
    }

    /** Deletes the data directory (a fenced server's data before a reseed, or a half-made one). */
    public void wipeData() {
        try {
            Trees.delete(dataDir);
        } catch (IOException e) {
            throw new GeoDbException("cannot delete the data directory " + dataDir + " of '" + name + "': " + e, e);
        }
    }

    /** Creates a new cluster with {@code initdb} and hooks {@code hadr.conf} into it. */
    public void initdb(Duration timeout) {
        prepareDirectories();
        wipeData();
        Path pwFile = serverDir.resolve("initdb.pw");
        try {
            Files.writeString(pwFile, adminPassword + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            launcher.account().own(pwFile);
            String out = launcher.run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(),
                    "-U", ADMIN_USER, "--pwfile=" + pwFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
                    "--no-instructions"), timeout, serverDir);
            LOG.debug("initdb of {}: {}", name, out);
            Files.writeString(dataDir.resolve("pg_hba.conf"), String.join(System.lineSeparator(),
                    "# Written by hadr geodb: password (SCRAM) logins over loopback TCP only.",
                    "host    all          all  127.0.0.1/32  scram-sha-256",
                    "host    replication  all  127.0.0.1/32  scram-sha-256", ""), StandardCharsets.UTF_8);
            Files.writeString(dataDir.resolve("postgresql.conf"), System.lineSeparator()
                    + "# hadr geodb: role, ports and replication settings; rewritten by hadr." + System.lineSeparator()
                    + "include_if_exists = '" + CONFIG_FILE + "'" + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new GeoDbException("initdb of server '" + name + "' failed: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(pwFile);
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", pwFile, e.toString());
            }
        }
    }

    /** Writes {@code hadr.conf} (and {@code standby.signal} for a standby) for the given role. */
    public void writeConfig(RoleSettings settings) {
        StringBuilder conf = new StringBuilder("# Written by hadr geodb for server '" + name
                + "'; rewritten on every role change, do not edit.\n");
        for (Map.Entry<String, String> e : BASE_SETTINGS.entrySet()) {
            setting(conf, e.getKey(), e.getValue());
        }
        setting(conf, "port", Integer.toString(port));
        // Names the server in `ps` and to clients (current_setting('cluster_name')), so an app can
        // tell which region's server its connection leads to.
        setting(conf, "cluster_name", name);
        setting(conf, "max_connections", Integer.toString(maxConnections));
        for (Map.Entry<String, String> e : extraSettings.entrySet()) {
            setting(conf, e.getKey(), e.getValue());
        }
        if (settings.standby()) {
            setting(conf, "primary_conninfo", "host=127.0.0.1 port=" + settings.upstreamPort() + " user=" + ADMIN_USER
                    + " password=" + adminPassword + " application_name=" + name + " connect_timeout=5");
            setting(conf, "primary_slot_name", settings.slotName());
            // Follow a promotion of the primary onto its new timeline.
            setting(conf, "recovery_target_timeline", "latest");
        } else {
            setting(conf, "synchronous_standby_names",
                    settings.synchronousStandby() == null ? "" : "\"" + settings.synchronousStandby() + "\"");
            if (settings.readOnly()) {
                setting(conf, "default_transaction_read_only", "on");
            }
        }
        try {
            Path file = dataDir.resolve(CONFIG_FILE);
            Files.writeString(file, conf.toString(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            launcher.account().own(file);
            Path signal = dataDir.resolve("standby.signal");
            if (settings.standby()) {
                if (!Files.exists(signal)) {
                    Files.createFile(signal);
                    launcher.account().own(signal);
                }
            } else {
                Files.deleteIfExists(signal);
            }
        } catch (IOException e) {
            throw new GeoDbException("cannot write the configuration of server '" + name + "': " + e, e);
        }
    }

    /**
     * Removes replication slots kept in the data directory (server stopped). A former primary
     * turning standby would otherwise keep holding WAL for a peer that now streams elsewhere.
     */
    public void dropLocalSlots() {
        Path slots = dataDir.resolve("pg_replslot");
        if (!Files.isDirectory(slots)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(slots)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(slots)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new GeoDbException("cannot remove the replication slots of '" + name + "': " + e, e);
        }
    }

    private static void setting(StringBuilder conf, String name, String value) {
        conf.append(name).append(" = '").append(value.replace("'", "''")).append("'\n");
    }

    // ----- process ---------------------------------------------------------------------------

    /**
     * Starts {@code postgres} in the foreground under the launcher (no {@code pg_ctl}: it would
     * daemonize and escape the parent-death signal) and waits until it accepts connections.
     */
    public void start(Duration timeout, String why) {
        state.moveTo(ServerState.STARTING, why);
        long started = System.nanoTime();
        try {
            appendToLog("---- hadr: starting server '" + name + "' (" + why + ") ----");
            exitExpected = false;
            Process p = launcher.startServer(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString()),
                    logFile);
            process = p;
            p.onExit().thenRun(() -> onExit(p));
            Deadline.await("server '" + name + "' to accept connections on port " + port, timeout,
                    Duration.ofMillis(100), () -> {
                        if (!p.isAlive()) {
                            throw new GeoDbException("server '" + name + "' exited with code " + p.exitValue()
                                    + " while starting; last lines of " + logFile + ":\n" + logTail(15));
                        }
                        try (Connection c = connect("postgres", 2)) {
                            return Boolean.TRUE;
                        }
                    }, () -> "process " + (p.isAlive() ? "running" : "exited") + ", log " + logFile);
        } catch (RuntimeException e) {
            Process p = process;
            if (p != null && p.isAlive()) {
                killProcess(p);
            }
            state.moveTo(ServerState.DOWN, "did not start: " + e.getMessage());
            throw e;
        }
        state.moveTo(ServerState.RUNNING, String.format("accepting connections on port %d after %d ms", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    }

    private void onExit(Process p) {
        if (p != process || exitExpected) {
            return;
        }
        if (state.get() == ServerState.RUNNING) {
            try {
                state.moveIf(ServerState.RUNNING, ServerState.DOWN, "process exited unexpectedly with code " + p.exitValue());
            } catch (RuntimeException e) {
                LOG.debug("State of {} changed concurrently: {}", name, e.toString());
            }
        }
    }

    /** Fast shutdown (SIGINT): clients are disconnected, a shutdown checkpoint is written. */
    public void stop(Duration timeout, String why) {
        Process p = process;
        ServerState current = state.get();
        if (p == null || !p.isAlive()) {
            if (current == ServerState.RUNNING || current == ServerState.STARTING) {
                state.moveTo(ServerState.DOWN, "found dead while stopping");
            }
            return;
        }
        state.moveTo(ServerState.STOPPING, why);
        exitExpected = true;
        try {
            launcher.signal(p.pid(), "INT");
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                awaitChildrenGone(p);
                state.moveTo(ServerState.STOPPED, "fast shutdown complete");
                return;
            }
            LOG.warn("Server '{}' did not stop within {}; killing it", name, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (GeoDbException e) {
            LOG.warn("Could not signal server '{}': {}", name, e.getMessage());
        }
        killProcess(p);
        state.moveTo(ServerState.DOWN, "killed after the fast shutdown did not finish within " + timeout);
    }

    /** SIGKILL of the postmaster, the way a region disappears; waits until its children are gone. */
    public void kill(String why) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            if (state.get() == ServerState.RUNNING) {
                state.moveTo(ServerState.DOWN, "found dead: " + why);
            }
            return;
        }
        appendToLog("---- hadr: SIGKILL of server '" + name + "' (" + why + ") ----");
        killProcess(p);
        ServerState current = state.get();
        if (current == ServerState.RUNNING || current == ServerState.STARTING || current == ServerState.STOPPING) {
            state.moveTo(ServerState.DOWN, why);
        }
    }

    /** Moves a DOWN server to STOPPED once its files are in order again (after a reseed). */
    public void markStopped(String why) {
        if (state.get() == ServerState.DOWN) {
            state.moveTo(ServerState.STOPPED, why);
        }
    }

    private void killProcess(Process p) {
        exitExpected = true;
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Backends notice the postmaster's death by themselves; wait so that a restart does not
        // find the old shared memory still attached.
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        awaitChildrenGone(children);
    }

    private void awaitChildrenGone(Process p) {
        awaitChildrenGone(p.descendants().toList());
    }

    private void awaitChildrenGone(List<ProcessHandle> children) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle child : children) {
            while (alive(child.pid()) && System.nanoTime() < end) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether a process still runs. Reads {@code /proc} rather than {@link ProcessHandle#onExit()},
     * which polls slowly for processes that are not our children, and counts a zombie as gone.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char processState = stat.charAt(stat.lastIndexOf(')') + 2);
            return processState != 'Z' && processState != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ----- SQL -------------------------------------------------------------------------------

    /** An administrator connection to {@code database} on this server. */
    public Connection connect(String database, int timeoutSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ADMIN_USER);
        props.setProperty("password", adminPassword);
        props.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("socketTimeout", Integer.toString(Math.max(timeoutSeconds, 120)));
        props.setProperty("ApplicationName", ADMIN_APPLICATION);
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    /** Runs one statement as administrator and maps the first row (null when there is none). */
    public <T> T queryOne(String sql, RowMapper<T> mapper) throws SQLException {
        try (Connection c = connect("postgres", 3); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? mapper.map(rs) : null;
        }
    }

    /** Runs statements as administrator in one session. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect("postgres", 3); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** Maps a result row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Whether the server answers {@code SELECT 1} within {@code timeoutSeconds}. */
    public boolean reachable(int timeoutSeconds) {
        if (!processAlive()) {
            return false;
        }
        try (Connection c = connect("postgres", timeoutSeconds); Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    public boolean inRecovery() throws SQLException {
        return Boolean.TRUE.equals(queryOne("SELECT pg_is_in_recovery()", rs -> rs.getBoolean(1)));
    }

    /** On a primary: the current write position. */
    public long currentLsn() throws SQLException {
        return Lsn.parse(queryOne("SELECT pg_current_wal_lsn()::text", rs -> rs.getString(1)));
    }

    /** On a standby: the last replayed position (null before any replay). */
    public Long replayLsn() throws SQLException {
        return Lsn.parse(queryOne("SELECT pg_last_wal_replay_lsn()::text", rs -> rs.getString(1)));
    }

    /** On a standby: whether its WAL receiver streams from the primary. */
    public boolean streaming() throws SQLException {
        return Boolean.TRUE.equals(queryOne("SELECT status = 'streaming' FROM pg_stat_wal_receiver",
                rs -> rs.getBoolean(1)));
    }

    /** Asks the server to re-read its configuration files. */
    public void reload() throws SQLException {
        execute("SELECT pg_reload_conf()");
    }

    // ----- logs ------------------------------------------------------------------------------

    /** The last {@code lines} lines of the server's log, for error messages. */
    public String logTail(int lines) {
        return LogTail.of(logFile, lines);
    }

    /** Appends a marker line to the server log, so a reader sees what hadr did when. */
    public void appendToLog(String line) {
        try {
            Files.writeString(logFile, java.time.Instant.now() + " " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("Cannot write to {}: {}", logFile, e.toString());
        }
    }

    private static Map<String, String> orderedMap(String... keyValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return name + "(" + role.get() + ", " + state.get() + ", port " + port + ")";
    }
}
