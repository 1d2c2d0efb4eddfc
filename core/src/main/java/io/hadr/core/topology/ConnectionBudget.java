package io.hadr.core.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many sessions the primary database server must accept, and whether they fit: every app
 * instance of both regions opens a pool to the read-write listener (so all of them end on the
 * primary), hadr needs a few of its own (health checks, status, failovers, base backups), and an
 * operator must still get in when the pools are full. WAL senders for replication have slots of
 * their own in PostgreSQL and are not counted.
 *
 * <p>The app reads its pool size from {@code HADR_DB_POOL_SIZE}; the database server reserves
 * {@link #reservedConnections()} of its {@code maxConnections} for the administrator, so the apps'
 * pools can never take them.
 *
 * @param instances app instances per region id, in the topology's order
 * @param poolSize connections each instance's pool may open ({@code app.databasePoolSize})
 * @param maxConnections sessions the database server accepts ({@code database.maxConnections})
 */
public record ConnectionBudget(Map<String, Integer> instances, int poolSize, int maxConnections) {

    /** Sessions hadr itself may hold at once: health checks, status, a failover, a base backup. */
    public static final int HADR_CONNECTIONS = 5;
    /** Sessions kept for operators (psql, {@code hadr db sql}) when the apps' pools are full. */
    public static final int OPERATOR_CONNECTIONS = 5;

    public ConnectionBudget {
        instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
    }

    /** The budget of a topology as written. */
    public static ConnectionBudget of(Topology topology) {
        Map<String, Integer> instances = new LinkedHashMap<>();
        topology.regions().forEach(r -> instances.put(r.id(), r.appInstances()));
        return new ConnectionBudget(
                instances,
                topology.app().databasePoolSize(),
                topology.database().maxConnections());
    }

    /** The same budget with a region scaled to {@code count} instances (what {@code hadr app scale} would ask for). */
    public ConnectionBudget withInstances(String region, int count) {
        Map<String, Integer> changed = new LinkedHashMap<>(instances);
        changed.put(region, count);
        return new ConnectionBudget(changed, poolSize, maxConnections);
    }

    /** Connections all app instances' pools may open. */
    public int appConnections() {
        return instances.values().stream().mapToInt(Integer::intValue).sum() * poolSize;
    }

    /** Sessions only the administrator may use: hadr's own and the operators'. */
    public int reservedConnections() {
        return HADR_CONNECTIONS + OPERATOR_CONNECTIONS;
    }

    /** Sessions the database server must accept. */
    public int required() {
        return appConnections() + reservedConnections();
    }

    public boolean fits() {
        return required() <= maxConnections;
    }

    /**
     * The sum in words, e.g. {@code "centralindia 3 × 10 + southindia 2 × 10 = 50 app connections,
     * + 5 for hadr + 5 for operators = 60"}.
     */
    public String arithmetic() {
        List<String> parts = new ArrayList<>();
        instances.forEach((region, count) -> parts.add(region + " " + count + " × " + poolSize));
        return String.join(" + ", parts) + " = " + appConnections() + " app connections, + " + HADR_CONNECTIONS
                + " for hadr + " + OPERATOR_CONNECTIONS + " for operators = " + required();
    }
}
