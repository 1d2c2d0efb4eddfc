package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every PostgreSQL process from one long-lived thread.
 *
 * <p>Why one thread: Linux delivers the parent-death signal ({@code setpriv --pdeathsig KILL})
 * when the <em>thread</em> that forked the child exits, not the process. Starting a server from
 * a short-lived worker thread would kill it as soon as that worker ends. The launcher thread
 * lives until {@link #close()}, after which no server may still run; if the JVM dies, the thread
 * dies with it and the kernel kills every server, so nothing is orphaned.
 */
public final class ProcessLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);

    private final PgAccount account;
    private final ExecutorService thread;

    public ProcessLauncher(PgAccount account, String name) {
        this.account = account;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hadr-geodb-launcher-" + name);
            // Daemon so that a forgotten close() does not keep the JVM alive; the servers then
            // die with the JVM through their parent-death signal.
            t.setDaemon(true);
            return t;
        });
    }

    public PgAccount account() {
        return account;
    }

    /**
     * Starts a long-lived program as the PostgreSQL account, killed by the kernel if the launcher
     * thread dies, with stdout and stderr appended to {@code logFile}.
     */
    public Process startServer(List<String> command, Path logFile) {
        List<String> full = new ArrayList<>(account.prefix(true));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("LC_ALL", "C");
        return onLauncherThread(builder, full);
    }

    /**
     * Runs a short program as the PostgreSQL account and returns its output, or throws with the
     * output when it fails or outlives {@code timeout}.
     */
    public String run(List<String> command, Duration timeout, Path workingDir) {
        List<String> full = new ArrayList<>(account.prefix(true));
        full.addAll(command);
        return runRaw(full, timeout, workingDir);
    }

    /** Runs a short program as the JVM's own account (e.g. {@code kill}). */
    public String runAsSelf(List<String> command, Duration timeout) {
        return runRaw(command, timeout, null);
    }

    private String runRaw(List<String> full, Duration timeout, Path workingDir) {
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        builder.environment().put("LC_ALL", "C");
        Process process = onLauncherThread(builder, full);
        try {
            // Read on this thread: output could fill the pipe and block the program otherwise.
            java.util.concurrent.CompletableFuture<String> output = new java.util.concurrent.CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    output.complete(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.completeExceptionally(e);
                }
            }, "hadr-geodb-output");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GeoDbException(String.join(" ", full) + " did not finish within " + timeout);
            }
            String out = output.get(5, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                throw new GeoDbException(String.join(" ", full) + " failed with exit code " + process.exitValue()
                        + ": " + out.trim());
            }
            return out;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GeoDbException("interrupted while running " + String.join(" ", full), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new GeoDbException("could not read the output of " + String.join(" ", full) + ": " + e, e);
        }
    }

    private Process onLauncherThread(ProcessBuilder builder, List<String> command) {
        try {
            return thread.submit(builder::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GeoDbException("interrupted while starting " + String.join(" ", command), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new GeoDbException("cannot start " + String.join(" ", command) + ": " + cause, cause);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new GeoDbException("cannot start " + String.join(" ", command) + ": the launcher is closed", e);
        }
    }

    /** Ends the launcher thread; any server still running gets its parent-death signal. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The launcher thread did not end within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a signal by name ({@code INT}, {@code KILL}) to a process of the PostgreSQL account. */
    public void signal(long pid, String signal) {
        runAsSelf(List.of("kill", "-s", signal, Long.toString(pid)), Duration.ofSeconds(10));
    }
}
