package io.hadr.geodb.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a client in one region reaches a server: directly on the server's port in its own region,
 * through the inter-region link's entry for that server from the other one. Each server of the
 * group stands in its own region (named like the server), so replication always crosses the
 * link, and so does every listener connection from the region that is not the server's.
 */
public final class Routes implements AutoCloseable {

    private final InterRegionLink link;
    /** Per server: the link entry in the other region that leads to it. */
    private final Map<String, Integer> entries = new ConcurrentHashMap<>();

    public Routes(InterRegionLink link) {
        this.link = link;
    }

    public InterRegionLink link() {
        return link;
    }

    /** Opens the link entry that leads to {@code server} from the other region. Idempotent. */
    public void open(PostgresServer server) {
        entries.computeIfAbsent(
                server.name(),
                name -> link.openEntry(otherRegion(name), server.port(), "connections to the server in " + name));
    }

    /** The port a client in {@code clientRegion} connects to in order to reach {@code server}. */
    public int port(String clientRegion, PostgresServer server) {
        if (clientRegion.equals(server.name())) {
            return server.port();
        }
        Integer entry = entries.get(server.name());
        if (entry == null) {
            throw new IllegalStateException("no link entry leads to '" + server.name() + "' yet");
        }
        return entry;
    }

    /** Whether a client in {@code clientRegion} reaches {@code server} across the link. */
    public boolean crosses(String clientRegion, String server) {
        return !clientRegion.equals(server);
    }

    /** The region that is not {@code region}. */
    public String otherRegion(String region) {
        List<String> regions = link.regions();
        return regions.get(0).equals(region) ? regions.get(1) : regions.get(0);
    }

    /** Closes the entries; the link itself belongs to whoever made it. */
    @Override
    public void close() {
        entries.values().forEach(link::closeEntry);
        entries.clear();
    }
}
