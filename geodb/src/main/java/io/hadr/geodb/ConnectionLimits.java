package io.hadr.geodb;

/**
 * How many sessions each server accepts, PostgreSQL's {@code max_connections}, and how many of
 * them only the administrator may use ({@code superuser_reserved_connections}): hadr's own
 * monitoring and failovers, and an operator's session, must get in even when the applications'
 * pools have taken every other slot. WAL senders for replication have slots of their own
 * ({@code max_wal_senders}) and are not counted here.
 *
 * @param maxConnections sessions per server (10–10000, default 50); the secondary gets the same
 *     number, as a hot standby must
 * @param reservedConnections of those, reserved for the administrator (1 to maxConnections − 5, default 10)
 */
public record ConnectionLimits(int maxConnections, int reservedConnections) {

    public static final ConnectionLimits DEFAULT = new ConnectionLimits(50, 10);

    public ConnectionLimits {
        Checks.between("maxConnections", maxConnections, 10, 10_000);
        if (reservedConnections < 1 || reservedConnections > maxConnections - 5) {
            throw new IllegalArgumentException("reservedConnections must be between 1 and maxConnections - 5 ("
                    + (maxConnections - 5) + "), leaving the application at least 5, but was " + reservedConnections);
        }
    }

    public ConnectionLimits withMaxConnections(int max) {
        return new ConnectionLimits(max, reservedConnections);
    }

    public ConnectionLimits withReservedConnections(int reserved) {
        return new ConnectionLimits(maxConnections, reserved);
    }

    /** Sessions the application's login may open. */
    public int applicationConnections() {
        return maxConnections - reservedConnections;
    }
}
