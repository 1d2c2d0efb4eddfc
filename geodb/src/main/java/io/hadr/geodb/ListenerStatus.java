package io.hadr.geodb;

/**
 * One listener entry as seen now: the read-write or read-only listener as the clients of one
 * region reach it.
 *
 * @param name {@code read-write} or {@code read-only}
 * @param region the region whose clients use this entry
 * @param endpoint where it accepts connections
 * @param target the server it leads to, or null (failover in progress, no readable secondary)
 * @param crossesLink whether its connections cross the inter-region link (the target is in the other region)
 * @param activeConnections client connections it carries now
 */
public record ListenerStatus(
        String name,
        String region,
        ListenerEndpoint endpoint,
        String target,
        boolean crossesLink,
        int activeConnections) {}
