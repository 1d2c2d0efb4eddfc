package io.hadr.core.topology;

/**
 * Ports of the local environment (no meaning on Azure). Port 0 means "any free port".
 *
 * @param endpointPort the front door endpoint
 * @param appBasePort the first app instance's port; the others take the next ones
 * @param databaseBasePort the database servers take this port and the next; the read-write and
 *     read-only listeners the two after those
 * @param controlPort the control API
 */
public record LocalSpec(int endpointPort, int appBasePort, int databaseBasePort, int controlPort) {}
