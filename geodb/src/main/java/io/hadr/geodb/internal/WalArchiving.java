package io.hadr.geodb.internal;

import java.time.Duration;

/**
 * The WAL archiving part of a server's {@code hadr.conf}: where the server's archive command
 * stores WAL and how often a segment is closed even when it is not full. Every server of the
 * group archives ({@code archive_mode = always}): the primary what it writes, the secondary what
 * it receives, so the archive has no gap after a failover, whichever server was ahead.
 *
 * @param archiveCommand the {@code archive_command}
 * @param archiveTimeout {@code archive_timeout}: the longest time WAL waits before it is archived
 */
public record WalArchiving(String archiveCommand, Duration archiveTimeout) {

    /** No archiving: a server that must not write into the group's stores (a restored one before adoption). */
    public static final WalArchiving OFF = new WalArchiving(null, Duration.ZERO);

    public boolean on() {
        return archiveCommand != null;
    }
}
