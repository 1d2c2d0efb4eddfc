package io.hadr.toolkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts child processes so that they die with hadr, even when hadr is killed with SIGKILL and
 * cannot clean up: each long-lived child gets a parent-death signal (SIGKILL) through util-linux's
 * {@code setpriv --pdeathsig KILL}, and a session of its own ({@code setsid}) so that Ctrl-C in
 * hadr's terminal reaches hadr, which stops everything in order, instead of every process of the
 * terminal's group at once.
 *
 * <p>Linux delivers the parent-death signal when the <em>thread</em> that forked the child exits,
 * not the process. So every child is started from one dedicated thread that lives until
 * {@link #close()}; starting from a pool thread that later retires would kill the child with it.
 *
 * <p>Where {@code setpriv} is missing, children still run but are not tied to hadr's life:
 * {@link #tiesChildrenToParent()} says so, and a warning is logged once.
 */
public final class ProcessLauncher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);

    private static final Optional<Path> SETPRIV = onPath("setpriv");
    private static final Optional<Path> SETSID = onPath("setsid");

    private final ExecutorService thread;

    /** @param name names the launcher thread, e.g. {@code apps} or {@code geodb} */
    public ProcessLauncher(String name) {
        // Daemon so that a forgotten close() does not keep the JVM alive; children then die with
        // the JVM through their parent-death signal.
        this.thread = Executors.newSingleThreadExecutor(Threads.daemon("hadr-launcher-" + name));
        if (SETPRIV.isEmpty()) {
            log.warn("setpriv (util-linux) is not on the PATH: processes hadr starts will not die with it if it is "
                    + "killed with SIGKILL; install util-linux to tie them to hadr");
        }
    }

    /** Whether children die with this process even when it is SIGKILLed (false where setpriv is missing). */
    public boolean tiesChildrenToParent() {
        return SETPRIV.isPresent();
    }

    /**
     * Starts a long-lived child as {@code account}, in a session of its own and with a parent-death
     * signal. The builder's command, directory, environment and redirections are kept.
     *
     * @throws ProcessException when the program cannot be started, or the account cannot be switched to
     */
    public Process start(ProcessBuilder builder, RunAs account) {
        return startOnLauncherThread(wrap(builder, prefix(account, true)), builder.command());
    }

    /**
     * Runs a short program as {@code account} to its end and returns what it printed.
     *
     * @throws ProcessException when it fails (with its exit code and output), or outlives {@code timeout}
     */
    public String run(List<String> command, RunAs account, Duration timeout, Path workingDirectory) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().put("LC_ALL", "C");
        Process process = startOnLauncherThread(wrap(builder, prefix(account, true)), command);
        String what = String.join(" ", command);
        try {
            // Read on another thread: output could fill the pipe and block the program otherwise.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    runnable -> Threads.daemon("hadr-process-output")
                            .newThread(runnable)
                            .start());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ProcessException(what + " did not finish within " + timeout, null, null, null);
            }
            String out = output.get(5, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                throw new ProcessException(
                        what + " failed with exit code " + process.exitValue() + ": " + out.trim(),
                        process.exitValue(),
                        out,
                        null);
            }
            return out;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while running " + what, null, null, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ProcessException("could not read the output of " + what + ": " + e, null, null, e);
        }
    }

    /** Sends a signal by name ({@code INT}, {@code KILL}, {@code STOP}) to a process, as this JVM's account. */
    public void signal(long pid, String signal) {
        run(List.of("kill", "-s", signal, Long.toString(pid)), RunAs.SELF, Duration.ofSeconds(10), null);
    }

    /**
     * The command prefix that runs a program as {@code account} and, when {@code dieWithParent}, in a
     * session of its own with a parent-death signal. setpriv applies the parent-death signal after
     * switching user, because a credential change would clear it.
     */
    static List<String> prefix(RunAs account, boolean dieWithParent) {
        List<String> prefix = new ArrayList<>();
        if (dieWithParent && SETSID.isPresent()) {
            // setsid does not fork here: a child of the JVM is not a process group leader.
            prefix.add(SETSID.get().toString());
        }
        if (SETPRIV.isEmpty()) {
            if (account.switchesUser()) {
                throw new ProcessException(
                        "cannot run a program as '" + account.user()
                                + "': setpriv (util-linux) is not on the PATH; install util-linux or run hadr as an ordinary user",
                        null,
                        null,
                        null);
            }
            return prefix;
        }
        if (!account.switchesUser() && !dieWithParent) {
            return prefix;
        }
        prefix.add(SETPRIV.get().toString());
        if (account.switchesUser()) {
            prefix.add("--reuid=" + account.user());
            prefix.add("--regid=" + account.group());
            prefix.add("--clear-groups");
        }
        if (dieWithParent) {
            prefix.addAll(List.of("--pdeathsig", "KILL"));
        }
        prefix.add("--");
        return prefix;
    }

    private static ProcessBuilder wrap(ProcessBuilder builder, List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(builder.command());
        ProcessBuilder wrapped = new ProcessBuilder(command)
                .directory(builder.directory())
                .redirectInput(builder.redirectInput())
                .redirectOutput(builder.redirectOutput())
                .redirectError(builder.redirectError())
                .redirectErrorStream(builder.redirectErrorStream());
        wrapped.environment().clear();
        wrapped.environment().putAll(builder.environment());
        return wrapped;
    }

    private Process startOnLauncherThread(ProcessBuilder builder, List<String> command) {
        String what = String.join(" ", command);
        try {
            return thread.submit(builder::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while starting " + what, null, null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new ProcessException("cannot start " + what + ": " + cause.getMessage(), null, null, cause);
        } catch (RejectedExecutionException e) {
            throw new ProcessException("cannot start " + what + ": the launcher is closed", null, null, e);
        }
    }

    /** The program's path if it is an executable on the PATH. */
    public static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            path = "/usr/bin:/bin:/usr/sbin:/sbin";
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    /** Ends the launcher thread; any child still running gets its parent-death signal. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("The launcher thread did not end within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
