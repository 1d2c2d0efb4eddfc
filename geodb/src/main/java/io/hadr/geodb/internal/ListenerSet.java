package io.hadr.geodb.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One failover group listener (read-write or read-only) with an entry in every region: clients
 * in a region connect to their region's entry, which leads to the listener's target directly
 * when the target is in the same region and across the inter-region link when it is not. All
 * entries move together.
 */
public final class ListenerSet {

    private final String name;
    private final Map<String, TcpListener> byRegion = new LinkedHashMap<>();
    private final Routes routes;

    /**
     * @param regions the regions, the one whose entry is the "home" listener first
     */
    public ListenerSet(String name, List<String> regions, Duration holdTimeout, Routes routes) {
        this.name = name;
        this.routes = routes;
        regions.forEach(region -> byRegion.put(region, new TcpListener(name, region, holdTimeout)));
    }

    /** {@code read-write} or {@code read-only}. */
    public String name() {
        return name;
    }

    /** The entry for clients in {@code region}. */
    public TcpListener in(String region) {
        TcpListener listener = byRegion.get(region);
        if (listener == null) {
            throw new IllegalArgumentException("the " + name + " listener has entries in " + byRegion.keySet()
                    + ", but region '" + region + "' was asked for");
        }
        return listener;
    }

    /** The first region's entry, which the single-listener API names. */
    public TcpListener home() {
        return byRegion.values().iterator().next();
    }

    public Collection<TcpListener> all() {
        return byRegion.values();
    }

    /** Whether every entry is bound. */
    public boolean started() {
        return byRegion.values().stream().allMatch(TcpListener::started);
    }

    /** The server it leads to, or null while there is none or a failover holds it. */
    public String routeServer() {
        TcpListener.Route route = home().route();
        return route == null ? null : route.server();
    }

    /** The server it last led to, also while held; null when it leads nowhere. */
    public String targetServer() {
        TcpListener.Route target = home().target();
        return target == null ? null : target.server();
    }

    /** Leads every entry to {@code server}, each by its own way (direct or across the link). */
    public void pointAt(PostgresServer server) {
        for (TcpListener listener : byRegion.values()) {
            listener.pointAt(new TcpListener.Route(server.name(), routes.port(listener.region(), server)));
        }
    }

    /** Leads nowhere: connections are cut, new ones closed at once. */
    public void clear() {
        byRegion.values().forEach(TcpListener::clear);
    }

    /** Holds every entry; they drain at the same time. */
    public void hold(Duration drain) {
        List<TcpListener.Drain> drains = new ArrayList<>();
        for (TcpListener listener : byRegion.values()) {
            drains.add(listener.beginHold(drain));
        }
        drains.forEach(TcpListener.Drain::await);
    }

    public void close() {
        byRegion.values().forEach(TcpListener::close);
    }
}
