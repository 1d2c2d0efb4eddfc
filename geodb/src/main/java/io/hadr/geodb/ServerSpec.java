package io.hadr.geodb;

/**
 * One database server of the failover group: a region name and loopback ports. Each server
 * stands in its own region; the region's clients reach the group through that region's
 * listener entries.
 *
 * @param name region-like name ({@code centralindia}); also the directory, the
 *     {@code application_name} and part of the replication slot name
 * @param port the PostgreSQL port on 127.0.0.1, or 0 to pick a free port on first start and
 *     keep it in the state file so a resume uses the same one
 * @param readWriteListenerPort the port of the read-write listener's entry in this server's
 *     region, or 0 for a free port kept in the state file
 * @param readOnlyListenerPort the port of the read-only listener's entry in this server's region, or 0
 */
public record ServerSpec(String name, int port, int readWriteListenerPort, int readOnlyListenerPort) {

    public ServerSpec {
        Checks.serverName("server name", name);
        Checks.port("port of server '" + name + "'", port);
        Checks.port("readWriteListenerPort of region '" + name + "'", readWriteListenerPort);
        Checks.port("readOnlyListenerPort of region '" + name + "'", readOnlyListenerPort);
    }

    /** A server whose listener entries take free ports. */
    public ServerSpec(String name, int port) {
        this(name, port, 0, 0);
    }

    ServerSpec withListenerPorts(int readWrite, int readOnly) {
        return new ServerSpec(name, port, readWrite, readOnly);
    }
}
