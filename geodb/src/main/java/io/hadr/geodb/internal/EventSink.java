package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbEvent;

/** Where the internals report transitions; the group turns them into logged {@link GeoDbEvent}s. */
@FunctionalInterface
public interface EventSink {
    void emit(GeoDbEvent.Kind kind, String subject, Object from, Object to, String reason);
}
