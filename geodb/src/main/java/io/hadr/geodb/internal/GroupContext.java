package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbConfig;

/**
 * What every procedure of a started group works with: the config, the group (servers, roles,
 * state), its listeners, its events and the routes between its regions. Made once by the facade
 * after the group is loaded.
 */
public record GroupContext(GeoDbConfig config, FailoverGroup group, Listeners listeners, Events events, Routes routes) {

    /** The role settings of {@code standby} following {@code primary}: it streams across the inter-region link. */
    public RoleSettings standbyOf(PostgresServer standby, PostgresServer primary) {
        return RoleSettings.standby(routes.port(standby.name(), primary), standby.slotName());
    }
}
