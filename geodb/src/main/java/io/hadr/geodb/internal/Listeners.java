package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbEvent;
import java.time.Duration;
import java.util.List;

/**
 * The group's read-write and read-only listeners, each with an entry in every region, moved with
 * an event each time. The event's {@code from} is the server a listener led to before, also while
 * a failover held it.
 */
public final class Listeners implements AutoCloseable {

    /** Name of the read-write listener, as in Azure's {@code <fog>.database.windows.net}. */
    public static final String READ_WRITE = "read-write";
    /** Name of the read-only listener, as in Azure's {@code <fog>.secondary.database.windows.net}. */
    public static final String READ_ONLY = "read-only";

    private final ListenerSet readWrite;
    private final ListenerSet readOnly;
    private final EventSink events;

    /**
     * @param regions the regions with listener entries, the home region (the initial primary's) first
     */
    public Listeners(List<String> regions, Duration holdTimeout, Routes routes, EventSink events) {
        this.readWrite = new ListenerSet(READ_WRITE, regions, holdTimeout, routes);
        this.readOnly = new ListenerSet(READ_ONLY, regions, holdTimeout, routes);
        this.events = events;
    }

    public ListenerSet readWrite() {
        return readWrite;
    }

    public ListenerSet readOnly() {
        return readOnly;
    }

    /** Leads {@code listener} to {@code server}, releasing held connections to it. */
    public void point(ListenerSet listener, PostgresServer server, String why) {
        String before = listener.targetServer();
        listener.pointAt(server);
        events.emit(GeoDbEvent.Kind.LISTENER, listener.name(), before, server.name(), why);
    }

    /** Leads {@code listener} nowhere: connections are cut, new ones closed at once. */
    public void clear(ListenerSet listener, String why) {
        String before = listener.targetServer();
        listener.clear();
        if (before != null) {
            events.emit(GeoDbEvent.Kind.LISTENER, listener.name(), before, null, why);
        }
    }

    /**
     * A failover begins: new connections wait (bounded by the hold timeout), open ones are cut
     * once their transaction ends, or after {@code drain} at the latest.
     */
    public void hold(ListenerSet listener, Duration drain, String why) {
        String before = listener.targetServer();
        listener.hold(drain);
        events.emit(GeoDbEvent.Kind.LISTENER, listener.name(), before, before, "holds new connections: " + why);
    }

    /** Leads the listener nowhere if it leads to {@code server}. */
    public void clearIfAt(ListenerSet listener, PostgresServer server, String why) {
        String target = listener.targetServer();
        if (target != null && target.equals(server.name())) {
            clear(listener, why);
        }
    }

    @Override
    public void close() {
        readWrite.close();
        readOnly.close();
    }
}
