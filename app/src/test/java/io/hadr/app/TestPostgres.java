package io.hadr.app;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL 17 server for the app's tests, from the zonky bundle the project ships
 * (extracted once into the cache geodb uses, by the same atomic rename), on a free loopback port.
 * As root it runs as {@code nobody}, as PostgreSQL requires. It can be killed like a crashed host
 * (SIGKILL of the postmaster and every backend) and started again on the same port and data.
 */
final class TestPostgres implements AutoCloseable {

    static final String DATABASE = "hadr";
    static final String APP_USER = "hadr";
    private static final String ADMIN = "postgres";
    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path binDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path log;
    private final int port;
    private Process server;

    private TestPostgres(Path binDir, Path dir, int port) {
        this.binDir = binDir;
        this.dataDir = dir.resolve("data");
        this.socketDir = dir.resolve("socket");
        this.log = dir.resolve("postgres.log");
        this.port = port;
    }

    /**
     * Creates a cluster under {@code dir} (a JUnit temp dir: its parent must let others through,
     * as {@code /tmp} does), starts it and creates the app's database.
     */
    static TestPostgres start(Path dir) throws Exception {
        Path binDir = binaries();
        Files.createDirectories(dir);
        // JUnit makes temp dirs 0700; as root, PostgreSQL runs as nobody and must get through.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        TestPostgres pg = new TestPostgres(binDir, dir, freePort());
        Files.createDirectories(pg.dataDir);
        Files.createDirectories(pg.socketDir);
        pg.own(pg.dataDir);
        pg.own(pg.socketDir);
        pg.run(List.of(
                binDir.resolve("initdb").toString(),
                "-D",
                pg.dataDir.toString(),
                "-U",
                ADMIN,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions"));
        pg.start();
        try (Connection admin = pg.connect("postgres");
                Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + APP_USER + " LOGIN");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_USER);
        }
        return pg;
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** A superuser session in the app's database, for setting up data and failing the app's sessions. */
    Connection admin() throws SQLException {
        return connect(DATABASE);
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?connectTimeout=5&socketTimeout=60",
                ADMIN,
                "");
    }

    /** Starts the server on its port and data; returns once it accepts connections. */
    void start() throws Exception {
        List<String> command = new ArrayList<>(prefix());
        command.addAll(List.of(
                binDir.resolve("postgres").toString(),
                "-D",
                dataDir.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=" + socketDir,
                "-c",
                "max_connections=50",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off"));
        server = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "postgres exited with " + server.exitValue() + ":\n" + Files.readString(log));
            }
            try (Connection c = connect("postgres")) {
                return;
            } catch (SQLException e) {
                // Refused (08001) or starting up (57P03) are worth waiting out; anything else is not.
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (!state.startsWith("08") && !state.equals("57P03")) {
                    throw e;
                }
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("postgres not accepting connections on port " + port + " after "
                + START_DEADLINE.toSeconds() + " s (last: " + last + "):\n" + Files.readString(log));
    }

    /** A crash: SIGKILL of the postmaster and every backend at once, as when its host dies. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(server.descendants().toList());
        all.add(server.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        server.waitFor(30, TimeUnit.SECONDS);
    }

    /** Fast shutdown (SIGINT): sessions are terminated with 57P01, as when a server is stopped for a switch. */
    void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            // setpriv execs postgres in place: the process is the postmaster.
            signal(server.pid(), "INT");
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    boolean running() {
        return server != null && server.isAlive();
    }

    @Override
    public void close() throws Exception {
        if (running()) {
            kill();
        }
    }

    private void own(Path path) throws IOException {
        if (!ROOT) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName("nobody"));
    }

    /** Runs as nobody when root; dies with this JVM, so a killed test run leaves no server behind. */
    private static List<String> prefix() {
        List<String> prefix = new ArrayList<>(List.of("setpriv"));
        if (ROOT) {
            prefix.addAll(List.of("--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        prefix.addAll(List.of("--pdeathsig", "KILL"));
        return prefix;
    }

    private void run(List<String> program) throws Exception {
        List<String> command = new ArrayList<>(prefix());
        command.addAll(program);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!process.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(program.get(0) + " did not finish in " + START_DEADLINE.toSeconds() + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    program + " failed with " + process.exitValue() + ":\n" + Files.readString(log));
        }
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal " + pid + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The bundle's bin directory, extracted on first use into the cache geodb shares (readable by nobody). */
    private static synchronized Path binaries() throws IOException {
        String version = System.getProperty("hadr.test.postgres-version");
        if (version == null) {
            throw new IllegalStateException(
                    "system property hadr.test.postgres-version is not set; run the tests through Maven");
        }
        Path cache = ROOT ? Path.of("/var/cache/hadr") : Path.of(System.getProperty("user.home"), ".cache", "hadr");
        Path target = cache.resolve("postgres-" + version);
        if (Files.isExecutable(target.resolve("bin/postgres")) && Files.isExecutable(target.resolve("bin/initdb"))) {
            return target.resolve("bin");
        }
        Files.createDirectories(cache);
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path temp = cache.resolve(".postgres-" + version + ".tmp-" + UUID.randomUUID());
        try (InputStream raw = TestPostgres.class.getResourceAsStream("/postgres-linux-x86_64.txz");
                TarArchiveInputStream tar =
                        new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
            Files.createDirectory(temp);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = temp.resolve(entry.getName()).normalize();
                if (!out.startsWith(temp)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                    Files.setPosixFilePermissions(
                            out,
                            PosixFilePermissions.fromString((entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another process (a geodb test, another worktree) renamed its complete copy into place first.
                if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                    throw e;
                }
            }
        } finally {
            if (Files.exists(temp)) {
                try (Stream<Path> walk = Files.walk(temp)) {
                    walk.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
        return target.resolve("bin");
    }
}
