package io.hadr.azure.internal;

import java.time.Duration;

/** Waits between polls; tests pass one that does not sleep for real. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}
