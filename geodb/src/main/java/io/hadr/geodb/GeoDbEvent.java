package io.hadr.geodb;

import java.time.Instant;

/**
 * Something that happened in the failover group: a role or state transition of a server, a
 * listener moving, a failover. Every event is also logged.
 *
 * @param at when, by the configured clock
 * @param kind what kind of event
 * @param server the server concerned, or the listener's name for {@link Kind#LISTENER}
 * @param from the previous role, state or target (may be null)
 * @param to the new role, state or target (may be null)
 * @param reason why, in words
 */
public record GeoDbEvent(Instant at, Kind kind, String server, String from, String to, String reason) {

    /** Kinds of events. */
    public enum Kind { ROLE, STATE, LISTENER, FAILOVER, REPLICATION }

    @Override
    public String toString() {
        return String.format("%s %s %s: %s -> %s (%s)", at, kind, server, from, to, reason);
    }
}
