package io.hadr.cli;

import io.hadr.core.topology.Topology;
import io.hadr.local.AppJar;
import io.hadr.local.ControlClient;
import io.hadr.local.HostedEnvironment;
import io.hadr.local.LocalEnvironment;
import io.hadr.local.LocalEnvironmentException;
import io.hadr.local.StateDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Bring up both regions on this machine.",
            "Runs in the foreground (Ctrl-C stops everything) unless --detach is given."
        })
final class UpCommand implements Callable<Integer> {

    /** How long a detached start may take before the parent gives up waiting (the environment keeps trying). */
    private static final Duration DETACHED_START_DEADLINE = Duration.ofMinutes(5);

    @Mixin
    TopologyOption topology;

    @Mixin
    StateDirOption stateDir;

    @Option(names = "--detach", description = "Start in the background and return once everything is up.")
    boolean detach;

    @Option(
            names = "--pg-bin",
            paramLabel = "DIR",
            description =
                    "Use this PostgreSQL's bin directory (initdb, postgres) instead of the bundled PostgreSQL 17.")
    Path pgBin;

    /** Set on the background process that --detach starts. */
    @Option(names = "--detached-child", hidden = true)
    boolean detachedChild;

    @Spec
    CommandSpec spec;

    private final Object closing = new Object();
    private boolean closed;

    @Override
    public Integer call() throws Exception {
        Topology t = topology.load();
        StateDir dir = stateDir.get();
        return detach ? startDetached(t, dir) : runForeground(t, dir);
    }

    private int runForeground(Topology t, StateDir dir) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        CountDownLatch stopRequested = new CountDownLatch(1);
        HostedEnvironment hosted = HostedEnvironment.start(
                dir,
                () -> {
                    Logging.toFile(dir.logs().resolve("hadr.log"));
                    out.printf(
                            "hadr %s · %s · topology: %s · state: %s%n",
                            Hadr.version(), t.strategy().id(), t.source(), dir.root());
                    out.flush();
                    Path appJar = AppJar.locate(dir);
                    io.hadr.geodb.PostgresBinaries binaries = pgBin == null
                            ? io.hadr.geodb.PostgresBinaries.bundled()
                            : io.hadr.geodb.PostgresBinaries.system(pgBin.toAbsolutePath());
                    return LocalEnvironment.start(t, dir, appJar, binaries, line -> {
                        out.println("  ▸ " + line);
                        out.flush();
                    });
                },
                t.local().controlPort(),
                stopRequested::countDown);
        Runnable stopAll = () -> stop(out, hosted);
        Thread hook = new Thread(
                () -> {
                    stopRequested.countDown();
                    stopAll.run();
                },
                "hadr-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.printf(Locale.ROOT, "environment up in %.1f s%n%n", (System.nanoTime() - started) / 1e9);
        StatusView.print(hosted.environment().status(), out);
        out.println();
        out.println(detachedChild ? "hadr: ready" : "Press Ctrl-C to stop (or run 'hadr down' in another terminal).");
        out.flush();

        stopRequested.await();
        stopAll.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or ran
        }
        return 0;
    }

    private void stop(PrintWriter out, HostedEnvironment hosted) {
        synchronized (closing) {
            if (closed) {
                return;
            }
            closed = true;
            out.println("stopping the environment...");
            out.flush();
            long started = System.nanoTime();
            hosted.close();
            out.printf(Locale.ROOT, "environment stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
            out.flush();
        }
    }

    /**
     * Starts {@code hadr up} again as a background process in its own session (so that closing the
     * terminal or Ctrl-C does not reach it), shows its progress, and returns once it is ready.
     */
    private int startDetached(Topology t, StateDir dir) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (dir.isLocked()) {
            throw LocalEnvironmentException.alreadyRunning(
                    dir, dir.readControl().map(StateDir.ControlFile::pid).orElse(-1L));
        }
        Files.createDirectories(dir.logs());
        Path log = dir.logs().resolve("environment.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;

        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Hadr.class.getName(),
                "up",
                "--detached-child",
                "--state-dir",
                dir.root().toString()));
        if (topology.file != null) {
            command.addAll(List.of("-f", topology.file.toAbsolutePath().toString()));
        }
        if (pgBin != null) {
            command.addAll(List.of("--pg-bin", pgBin.toAbsolutePath().toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process child = builder.start();
        out.println("starting the environment in the background (pid " + child.pid() + "); log: " + log);
        out.flush();

        long deadline = System.nanoTime() + DETACHED_START_DEADLINE.toNanos();
        long offset = logStart;
        while (System.nanoTime() < deadline) {
            offset = echoNewLines(log, offset, out);
            if (!child.isAlive()) {
                echoNewLines(log, offset, out);
                throw new LocalEnvironmentException(
                        "the environment exited with code " + child.exitValue() + " while starting; see " + log);
            }
            if (readyMarkerSeen(log, logStart)) {
                ControlClient client = ControlClient.connect(dir);
                out.println();
                StatusView.print(client.status(), out);
                out.println();
                out.println("running in the background; stop it with 'hadr down'"
                        + (dir.root().equals(Path.of(".hadr").toAbsolutePath().normalize())
                                ? ""
                                : " --state-dir " + dir.root()));
                out.flush();
                return 0;
            }
            Thread.sleep(100);
        }
        throw new LocalEnvironmentException("the environment is not ready after " + DETACHED_START_DEADLINE.toMinutes()
                + " minutes; it is still running as pid " + child.pid() + ": see " + log
                + ", or stop it with 'hadr down'");
    }

    private static boolean readyMarkerSeen(Path log, long from) throws IOException {
        return newText(log, from).lines().anyMatch(line -> line.equals("hadr: ready"));
    }

    /** Prints the progress lines the background process wrote since {@code offset}; returns the new offset. */
    private static long echoNewLines(Path log, long offset, PrintWriter out) throws IOException {
        String text = newText(log, offset);
        int lastNewline = text.lastIndexOf('\n');
        if (lastNewline < 0) {
            return offset;
        }
        for (String line : text.substring(0, lastNewline).split("\n", -1)) {
            if (line.startsWith("  ▸ ") || line.startsWith("hadr: ") && !line.equals("hadr: ready")) {
                out.println(line);
            }
        }
        out.flush();
        return offset + text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String newText(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= from) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - from, 1 << 20)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
