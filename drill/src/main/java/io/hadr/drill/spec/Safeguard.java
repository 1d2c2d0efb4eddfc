package io.hadr.drill.spec;

import java.time.Duration;

/** A limit that, once crossed, aborts the drill and runs its rollbacks. */
public sealed interface Safeguard {

    String text();

    int line();

    /**
     * The error rate of the traffic (or of one kind, when {@code kind} is not null) stayed above
     * {@code percent} for {@code duration} without a break.
     */
    record ErrorRate(String text, int line, TrafficKind kind, double percent, Duration duration) implements Safeguard {}

    /** The drill (from the start of its method) ran longer than this. */
    record MaxDuration(String text, int line, Duration limit) implements Safeguard {}
}
