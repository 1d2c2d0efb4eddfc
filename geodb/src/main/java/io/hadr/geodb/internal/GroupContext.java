package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbConfig;

/**
 * What every procedure of a started group works with: the config, the group (servers, roles,
 * state), its listeners and its events. Made once by the facade after the group is loaded.
 */
public record GroupContext(GeoDbConfig config, FailoverGroup group, Listeners listeners, Events events) {
}
