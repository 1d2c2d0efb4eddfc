package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.toolkit.ProcessException;
import io.hadr.toolkit.ProcessLauncher;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * PostgreSQL's programs run as the {@link PgAccount}, through the toolkit's launcher (a parent-death
 * signal, a session of their own), with failures reported as {@link GeoDbException}.
 */
public final class PgProcesses implements AutoCloseable {

    private final PgAccount account;
    private final ProcessLauncher launcher;

    public PgProcesses(PgAccount account, String name) {
        this.account = account;
        this.launcher = new ProcessLauncher("geodb-" + name);
    }

    public PgAccount account() {
        return account;
    }

    /** Starts a long-lived server as the PostgreSQL account with its output appended to {@code logFile}. */
    public Process startServer(List<String> command, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("LC_ALL", "C");
        try {
            return launcher.start(builder, account.runAs());
        } catch (ProcessException e) {
            throw new GeoDbException(e.getMessage(), e);
        }
    }

    /** Runs a short program as the PostgreSQL account and returns its output. */
    public String run(List<String> command, Duration timeout, Path workingDir) {
        try {
            return launcher.run(command, account.runAs(), timeout, workingDir);
        } catch (ProcessException e) {
            throw new GeoDbException(e.getMessage(), e);
        }
    }

    /** Sends a signal by name ({@code INT}, {@code KILL}) to a process of the PostgreSQL account. */
    public void signal(long pid, String signal) {
        try {
            launcher.signal(pid, signal);
        } catch (ProcessException e) {
            throw new GeoDbException(e.getMessage(), e);
        }
    }

    /** Ends the launcher thread; any server still running gets its parent-death signal. */
    @Override
    public void close() {
        launcher.close();
    }
}
