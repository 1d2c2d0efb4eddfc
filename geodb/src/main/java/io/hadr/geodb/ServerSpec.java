package io.hadr.geodb;

/**
 * One database server of the failover group: a region name and a loopback port.
 *
 * @param name region-like name ({@code centralindia}); also the directory, the
 *     {@code application_name} and part of the replication slot name
 * @param port the PostgreSQL port on 127.0.0.1, or 0 to pick a free port on first start and
 *     keep it in the state file so a resume uses the same one
 */
public record ServerSpec(String name, int port) {
}
