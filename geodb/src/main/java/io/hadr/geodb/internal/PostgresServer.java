package io.hadr.geodb.internal;

import io.hadr.geodb.ConnectionLimits;
import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server's process: start, fast shutdown, SIGKILL, and its {@link ServerState}
 * (with an event on every move). Its files are {@link #files()}, its configuration text
 * {@link HadrConf}, its SQL {@link #sql()}; its role belongs to the {@link FailoverGroup}.
 *
 * <p>An exit that hadr did not cause (a crash, a SIGKILL from outside) moves the state to DOWN
 * and counts as a crash ({@link #crashes()}), which self-healing acts on; a deliberate stop or
 * kill does not.
 */
public final class PostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

    private final String name;
    private final int port;
    private final ServerFiles files;
    private final HadrConf conf;
    private final AdminSql sql;
    private final PgProcesses launcher;
    private final Path binDir;
    private final String adminPassword;
    private final StateMachine<ServerState> state;
    private final AtomicInteger crashes = new AtomicInteger();
    private volatile Process process;
    /** Set when hadr itself ends the process, so its exit is not reported as a crash. */
    private volatile boolean exitExpected;

    private volatile boolean crashed;
    private volatile WalArchiving archiving = WalArchiving.OFF;
    private volatile RecoverySettings recovery;

    public PostgresServer(
            String name,
            Path dataRoot,
            int port,
            PgProcesses launcher,
            Path binDir,
            String adminPassword,
            ConnectionLimits connections,
            Map<String, String> extraSettings,
            EventSink events) {
        this.name = name;
        this.port = port;
        this.launcher = launcher;
        this.binDir = binDir;
        this.adminPassword = adminPassword;
        this.files = new ServerFiles(dataRoot, name, launcher.account());
        this.conf = new HadrConf(name, port, connections, extraSettings, adminPassword);
        this.sql = new AdminSql(port, adminPassword);
        this.state = new StateMachine<>(
                "server '" + name + "' state",
                ServerState.STOPPED,
                ServerState::canMoveTo,
                (subject, from, to, reason) -> events.emit(GeoDbEvent.Kind.STATE, name, from, to, reason));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public ServerFiles files() {
        return files;
    }

    public AdminSql sql() {
        return sql;
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

    /** Crashes seen since this object was made: exits that hadr did not cause. */
    public int crashes() {
        return crashes.get();
    }

    /** Whether the server is down because it crashed (not because hadr stopped or killed it). */
    public boolean crashed() {
        return crashed && state.get() == ServerState.DOWN;
    }

    /** Writes {@code hadr.conf} (and {@code standby.signal} for a standby) for the given role. */
    public void writeConfig(RoleSettings settings) {
        files.writePrivate(HadrConf.FILE, conf.text(settings, archiving, recovery));
        files.standbySignal(settings.standby());
    }

    /** Where this server archives its WAL from the next {@link #writeConfig} on. */
    public void archiving(WalArchiving archiving) {
        this.archiving = archiving;
    }

    public WalArchiving archiving() {
        return archiving;
    }

    /** The archive recovery this server performs at its next start (a restore), or null for none. */
    public void recovery(RecoverySettings recovery) {
        this.recovery = recovery;
    }

    /** Creates a new cluster with {@code initdb} and hooks {@code hadr.conf} into it. */
    public void initdb(Duration timeout) {
        files.prepareDirectories();
        files.wipeData();
        Path pwFile = files.serverDir().resolve("initdb.pw");
        try {
            Files.writeString(pwFile, adminPassword + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            launcher.account().own(pwFile);
            String out = launcher.run(
                    List.of(
                            binDir.resolve("initdb").toString(),
                            "-D",
                            files.dataDir().toString(),
                            "-U",
                            AdminSql.ADMIN_USER,
                            "--pwfile=" + pwFile,
                            "--auth=scram-sha-256",
                            "--encoding=UTF8",
                            "--locale=C",
                            "--no-instructions"),
                    timeout,
                    files.serverDir());
            LOG.debug("initdb of {}: {}", name, out);
            files.hookIntoNewCluster(HadrConf.FILE);
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

    /**
     * Starts {@code postgres} in the foreground under the launcher (no {@code pg_ctl}: it would
     * daemonize and escape the parent-death signal) and waits until it accepts connections.
     */
    public void start(Duration timeout, String why) {
        state.moveTo(ServerState.STARTING, why);
        long started = System.nanoTime();
        try {
            files.appendToLog("---- hadr: starting server '" + name + "' (" + why + ") ----");
            if (crashed) {
                awaitOrphansGone();
            }
            exitExpected = false;
            crashed = false;
            Process p = launcher.startServer(
                    List.of(
                            binDir.resolve("postgres").toString(),
                            "-D",
                            files.dataDir().toString()),
                    files.logFile());
            process = p;
            p.onExit().thenRun(() -> onExit(p));
            Deadline.await(
                    "server '" + name + "' to accept connections on port " + port,
                    timeout,
                    Duration.ofMillis(100),
                    () -> {
                        if (!p.isAlive()) {
                            throw new GeoDbException("server '" + name + "' exited with code " + p.exitValue()
                                    + " while starting; last lines of " + files.logFile() + ":\n" + files.logTail(15));
                        }
                        try (Connection c = sql.connect("postgres", 2)) {
                            return Boolean.TRUE;
                        }
                    },
                    () -> "process " + (p.isAlive() ? "running" : "exited") + ", log " + files.logFile());
        } catch (RuntimeException e) {
            Process p = process;
            if (p != null && p.isAlive()) {
                killProcess(p);
            }
            state.moveTo(ServerState.DOWN, "did not start: " + e.getMessage());
            throw e;
        }
        state.moveTo(
                ServerState.RUNNING,
                String.format(
                        "accepting connections on port %d after %d ms",
                        port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    }

    private void onExit(Process p) {
        if (p != process || exitExpected) {
            return;
        }
        for (ServerState from : List.of(ServerState.RUNNING, ServerState.UNRESPONSIVE)) {
            try {
                if (state.moveIf(from, ServerState.DOWN, "process exited unexpectedly with code " + p.exitValue())) {
                    crashed = true;
                    crashes.incrementAndGet();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("State of {} changed concurrently: {}", name, e.toString());
            }
        }
    }

    /** A health check got no answer within its deadline (the process is there). */
    public void markUnresponsive(String why) {
        state.moveIf(ServerState.RUNNING, ServerState.UNRESPONSIVE, why);
    }

    /** A health check got an answer again. */
    public void markResponsive(String why) {
        state.moveIf(ServerState.UNRESPONSIVE, ServerState.RUNNING, why);
    }

    /** Fast shutdown (SIGINT): clients are disconnected, a shutdown checkpoint is written. */
    public void stop(Duration timeout, String why) {
        Process p = process;
        ServerState current = state.get();
        if (p == null || !p.isAlive()) {
            if (current.processUp() || current == ServerState.STARTING) {
                state.moveTo(ServerState.DOWN, "found dead while stopping");
            }
            return;
        }
        state.moveTo(ServerState.STOPPING, why);
        exitExpected = true;
        try {
            launcher.signal(p.pid(), "INT");
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                awaitGone(p.descendants().toList());
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
            if (state.get().processUp()) {
                state.moveTo(ServerState.DOWN, "found dead: " + why);
            }
            crashed = false;
            return;
        }
        files.appendToLog("---- hadr: SIGKILL of server '" + name + "' (" + why + ") ----");
        killProcess(p);
        ServerState current = state.get();
        if (current.processUp() || current == ServerState.STARTING || current == ServerState.STOPPING) {
            state.moveTo(ServerState.DOWN, why);
        }
        crashed = false;
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
        awaitGone(children);
    }

    private static void awaitGone(List<ProcessHandle> processes) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle child : processes) {
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
     * After a crash of the postmaster, its children (backends, checkpointer) are orphaned and
     * exit once they notice; until then they keep the old shared memory attached and a new
     * postmaster would refuse to start. They are found by their working directory, which is the
     * data directory; any left after a few seconds are killed (their postmaster is gone).
     */
    private void awaitOrphansGone() {
        Path dir;
        try {
            dir = files.dataDir().toRealPath();
        } catch (IOException e) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<ProcessHandle> orphans = processesIn(dir);
        while (!orphans.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            orphans = processesIn(dir);
        }
        if (!orphans.isEmpty()) {
            LOG.warn("Killing {} process(es) of the crashed server '{}' that outlived it", orphans.size(), name);
            orphans.forEach(ProcessHandle::destroyForcibly);
            awaitGone(orphans);
        }
    }

    private static List<ProcessHandle> processesIn(Path dir) {
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readSymbolicLink(p.resolve("cwd")).equals(dir);
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(PostgresServer::alive)
                    .flatMap(pid -> ProcessHandle.of(pid).stream())
                    .toList();
        } catch (IOException e) {
            return List.of();
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

    @Override
    public String toString() {
        return name + "(" + state.get() + ", port " + port + ")";
    }
}
