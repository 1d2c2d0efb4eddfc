package io.hadr.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts child processes so that they die with the environment, even when the environment is
 * killed with SIGKILL and cannot clean up: each child gets a parent-death signal (SIGKILL) through
 * util-linux's {@code setpriv --pdeathsig}.
 *
 * <p>Linux delivers the parent-death signal when the <em>thread</em> that forked the child exits,
 * not the process. So every child is started from one dedicated thread that lives as long as the
 * launcher; starting from a pool thread that later retires would kill the child with it.
 */
final class ProcessLauncher implements AutoCloseable {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hadr-process-launcher");
        t.setDaemon(true);
        return t;
    });
    private final boolean parentDeathSignal = Files.isExecutable(SETPRIV);

    /** Whether children are tied to this process's life (false where setpriv is missing). */
    boolean tiesChildrenToParent() {
        return parentDeathSignal;
    }

    Process start(ProcessBuilder builder) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // A session of its own: Ctrl-C in hadr's terminal reaches hadr, which stops the apps
            // gracefully and in order, instead of every process of the terminal's group at once.
            // (setsid does not fork here: a child of the JVM is not a process group leader.)
            command.add(SETSID.toString());
        }
        if (parentDeathSignal) {
            command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        }
        command.addAll(builder.command());
        ProcessBuilder wrapped = new ProcessBuilder(command)
                .directory(builder.directory())
                .redirectInput(builder.redirectInput())
                .redirectOutput(builder.redirectOutput())
                .redirectError(builder.redirectError())
                .redirectErrorStream(builder.redirectErrorStream());
        wrapped.environment().clear();
        wrapped.environment().putAll(builder.environment());
        Future<Process> started = thread.submit(wrapped::start);
        try {
            return started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + builder.command().get(0), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
