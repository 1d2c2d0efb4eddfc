package io.hadr.toolkit;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories, written once. */
public final class Threads {

    private Threads() {}

    /**
     * Daemon threads named {@code name}, {@code name-2}, {@code name-3}, ...: daemon so that a
     * forgotten shutdown never keeps the JVM alive.
     */
    public static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            int n = count.incrementAndGet();
            Thread thread = new Thread(runnable, n == 1 ? name : name + "-" + n);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Starts {@code body} on a new daemon thread named {@code name}. */
    public static Thread startDaemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
