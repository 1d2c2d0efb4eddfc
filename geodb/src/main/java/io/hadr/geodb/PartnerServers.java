package io.hadr.geodb;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The failover group's two servers, as an Azure SQL failover group names its partner servers: a
 * primary and its geo-secondary, each standing in its own region, and the one that is primary
 * when the group is created (later the state file decides).
 *
 * @param servers exactly two, in the order given; names unique, and every port (the servers'
 *     and their regions' listener entries') used once
 * @param initialPrimary the name of one of them
 */
public record PartnerServers(List<ServerSpec> servers, String initialPrimary) {

    public PartnerServers {
        servers = List.copyOf(Objects.requireNonNull(servers, "servers must not be null"));
        if (servers.size() != 2) {
            throw new IllegalArgumentException(
                    "a failover group needs exactly 2 servers (a primary and a geo-secondary), " + "but "
                            + servers.size() + " were given: " + servers);
        }
        if (servers.get(0).name().equals(servers.get(1).name())) {
            throw new IllegalArgumentException(
                    "server names must be unique, but '" + servers.get(0).name() + "' was given twice");
        }
        Checks.serverName("initialPrimary", initialPrimary);
        String home = initialPrimary;
        if (servers.stream().noneMatch(s -> s.name().equals(home))) {
            throw new IllegalArgumentException("initialPrimary must be one of the servers "
                    + servers.stream().map(ServerSpec::name).toList() + ", but was '" + initialPrimary + "'");
        }
        Set<Integer> ports = new HashSet<>();
        for (ServerSpec s : servers) {
            Checks.uniquePort(ports, s.port(), "server '" + s.name() + "'");
        }
        for (ServerSpec s : servers) {
            boolean isHome = s.name().equals(home);
            Checks.uniquePort(
                    ports,
                    s.readWriteListenerPort(),
                    isHome ? "readWriteListenerPort" : "readWriteListenerPort of region '" + s.name() + "'");
            Checks.uniquePort(
                    ports,
                    s.readOnlyListenerPort(),
                    isHome ? "readOnlyListenerPort" : "readOnlyListenerPort of region '" + s.name() + "'");
        }
    }

    /** Looks a server up by name. */
    public Optional<ServerSpec> server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The pair in which the initial primary's region takes the listener ports set for the group
     * as a whole ({@link ListenerSettings}), unless its own are set.
     *
     * @throws IllegalArgumentException when both are set and differ, or the pair is not valid
     */
    static PartnerServers withHomeListeners(
            List<ServerSpec> servers, String initialPrimary, ListenerSettings listeners) {
        String home = initialPrimary != null
                ? initialPrimary
                : servers.isEmpty() ? null : servers.get(0).name();
        List<ServerSpec> resolved = servers.stream()
                .map(s -> s.name().equals(home) ? homePorts(s, listeners) : s)
                .toList();
        return new PartnerServers(resolved, home);
    }

    private static ServerSpec homePorts(ServerSpec spec, ListenerSettings listeners) {
        int readWrite = merge(spec.readWriteListenerPort(), listeners.readWritePort(), "readWriteListenerPort", spec);
        int readOnly = merge(spec.readOnlyListenerPort(), listeners.readOnlyPort(), "readOnlyListenerPort", spec);
        return spec.withListenerPorts(readWrite, readOnly);
    }

    private static int merge(int ofServer, int ofListeners, String what, ServerSpec spec) {
        if (ofServer != 0 && ofListeners != 0 && ofServer != ofListeners) {
            throw new IllegalArgumentException(what + " was set to " + ofListeners + " and, for region '" + spec.name()
                    + "', to " + ofServer + "; set it once");
        }
        return ofServer != 0 ? ofServer : ofListeners;
    }
}
