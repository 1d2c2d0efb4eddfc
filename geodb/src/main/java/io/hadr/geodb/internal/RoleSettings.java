package io.hadr.geodb.internal;

/**
 * The role-dependent part of a server's {@code hadr.conf}.
 *
 * @param upstreamPort for a standby, the primary's port; 0 for a primary
 * @param slotName for a standby, its replication slot on the primary
 * @param synchronousStandby for a primary in synchronous mode, the standby's application_name; else null
 * @param readOnly true while a planned failover has stopped writes on this primary
 */
public record RoleSettings(int upstreamPort, String slotName, String synchronousStandby, boolean readOnly) {

    public static RoleSettings primary(String synchronousStandby, boolean readOnly) {
        return new RoleSettings(0, null, synchronousStandby, readOnly);
    }

    public static RoleSettings standby(int upstreamPort, String slotName) {
        return new RoleSettings(upstreamPort, slotName, null, false);
    }

    public boolean standby() {
        return upstreamPort != 0;
    }
}
