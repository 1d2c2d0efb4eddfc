package io.hadr.local;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.util.function.Supplier;

/**
 * An environment that this process runs, with its control API, holding its state directory's
 * lock: what {@code hadr up} and a drill's own environment ({@link LocalPlatform#startOwn}) start,
 * and stop again in the reverse order.
 */
public final class HostedEnvironment implements AutoCloseable {

    private final LocalEnvironment environment;
    private final ControlServer control;
    private final FileLock lock;

    private HostedEnvironment(LocalEnvironment environment, ControlServer control, FileLock lock) {
        this.environment = environment;
        this.control = control;
        this.lock = lock;
    }

    /**
     * Takes the state directory's lock, starts the environment and then its control API. When a
     * step fails, what the earlier ones started is stopped and the lock released.
     *
     * @param start starts the environment (it runs with the lock held)
     * @param shutdownRequested run when a client asks the environment to stop; null when this
     *     process stops it itself (such a request is then refused)
     * @throws LocalEnvironmentException when another environment holds the lock
     */
    public static HostedEnvironment start(
            StateDir stateDir, Supplier<LocalEnvironment> start, int controlPort, Runnable shutdownRequested) {
        FileLock lock = stateDir.lock();
        LocalEnvironment environment = null;
        try {
            environment = start.get();
            ControlServer control = ControlServer.start(environment, controlPort, shutdownRequested);
            return new HostedEnvironment(environment, control, lock);
        } catch (RuntimeException | Error e) {
            if (environment != null) {
                environment.close();
            }
            release(lock, e);
            throw e;
        }
    }

    public LocalEnvironment environment() {
        return environment;
    }

    public ControlServer control() {
        return control;
    }

    /** Stops the control API, then the environment, then releases the lock. */
    @Override
    public void close() {
        control.close();
        environment.close();
        release(lock, null);
    }

    private static void release(FileLock lock, Throwable failure) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }
}
