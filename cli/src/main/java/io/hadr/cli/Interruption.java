package io.hadr.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What Ctrl-C (or SIGTERM) does while a drill command runs. The JVM runs its shutdown hooks and
 * then halts, so the hook itself must see the drill to a clean end: it interrupts the command's
 * thread, which aborts the drill (its method stops, its rollbacks run, its report is written),
 * waits for the command to finish up to a deadline, and then closes whatever is still open, so an
 * environment started for the drill is stopped in order rather than left to the parent-death
 * signal. (Processes hadr starts die with it anyway, even on {@code kill -9}.)
 */
final class Interruption implements AutoCloseable {

    private final Thread command = Thread.currentThread();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private final Thread hook;
    private volatile boolean requested;

    /**
     * Installs the hook for the calling thread, which {@link #close()} must be called from.
     *
     * @param deadline how long the hook waits for the drill's rollbacks and reports
     */
    Interruption(PrintWriter out, Duration deadline) {
        hook = new Thread(
                () -> {
                    requested = true;
                    out.println();
                    out.println(
                            "hadr: interrupted: aborting the drill; its rollbacks run and its report is written (up to "
                                    + deadline.toMinutes()
                                    + " min; kill -9 ends hadr at once, and what it started with it)");
                    out.flush();
                    command.interrupt();
                    try {
                        if (!finished.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                            out.println("hadr: the drill did not end within " + deadline.toMinutes()
                                    + " min; stopping what it started");
                            out.flush();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (AutoCloseable closeable : toClose) {
                        try {
                            closeable.close();
                        } catch (Exception e) {
                            out.println("hadr: " + Errors.describe(e));
                            out.flush();
                        }
                    }
                },
                "hadr-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Closed by the hook if the command has not closed it by then; closing twice must be harmless. */
    <T extends AutoCloseable> T closeOnInterrupt(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** Whether Ctrl-C (or SIGTERM) came: a command running several drills starts no new one. */
    boolean requested() {
        return requested;
    }

    /** The command is done: the hook (if running) stops waiting; otherwise it is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutting down already: the hook runs, and now finds the command finished.
        }
    }
}
