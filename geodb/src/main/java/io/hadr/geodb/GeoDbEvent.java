package io.hadr.geodb;

import java.time.Instant;

/**
 * Something that happened in the failover group: a role or state transition of a server, a move
 * of the group's own state, a listener moving, a failover, a crashed server being restarted.
 * Every event is also logged.
 *
 * <p>For {@link Kind#FAILOVER} events {@code from} is always the old primary and {@code to} the
 * failover's target (the new primary), whatever the phase (begins, done, failed); the mode is in
 * {@code mode}. For {@link Kind#LISTENER} events {@code from} is the server the listener led to
 * before, also while a failover held it.
 *
 * @param at when, by the configured clock
 * @param kind what kind of event
 * @param subject the server concerned, the listener's name for {@link Kind#LISTENER}, or
 *     {@code failover group} for {@link Kind#GROUP}; the target for {@link Kind#FAILOVER}
 * @param from the previous role, state, target or primary (null only when there was none)
 * @param to the new role, state, target or primary (null only when there is none)
 * @param mode for {@link Kind#FAILOVER}: the mode performed (or requested, until decided); else null
 * @param reason why, in words
 */
public record GeoDbEvent(
        Instant at, Kind kind, String subject, String from, String to, FailoverMode mode, String reason) {

    /** Kinds of events. */
    public enum Kind {
        /** A server's role moved ({@link ServerRole}). */
        ROLE,
        /** A server's process state moved ({@link ServerState}). */
        STATE,
        /** The group's own state moved ({@link GroupState}). */
        GROUP,
        /** A listener leads somewhere else. */
        LISTENER,
        /** A failover began, ended or failed. */
        FAILOVER,
        /** Synchronous commit was switched on or off. */
        REPLICATION,
        /** A crashed server is restarted, or is no longer restarted because it keeps crashing. */
        HEALING,
        /**
         * Backups: a base backup was taken, a restore made or dropped, a restore adopted, a
         * verification ran, or a problem was found in a backup store.
         */
        BACKUP
    }

    /** The server (or listener) concerned; kept for callers written before {@link #subject()}. */
    public String server() {
        return subject;
    }

    @Override
    public String toString() {
        return String.format(
                "%s %s %s: %s -> %s%s (%s)",
                at, kind, subject, from, to, mode == null ? "" : " [" + mode + "]", reason);
    }
}
