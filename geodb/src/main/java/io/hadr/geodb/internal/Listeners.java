package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbEvent;
import java.time.Duration;

/**
 * The group's read-write and read-only listeners, moved with an event each time. The event's
 * {@code from} is the server a listener led to before, also while a failover held it.
 */
public final class Listeners implements AutoCloseable {

    /** Name of the read-write listener, as in Azure's {@code <fog>.database.windows.net}. */
    public static final String READ_WRITE = "read-write";
    /** Name of the read-only listener, as in Azure's {@code <fog>.secondary.database.windows.net}. */
    public static final String READ_ONLY = "read-only";

    private final TcpListener readWrite;
    private final TcpListener readOnly;
    private final EventSink events;

    public Listeners(Duration holdTimeout, EventSink events) {
        this.readWrite = new TcpListener(READ_WRITE, holdTimeout);
        this.readOnly = new TcpListener(READ_ONLY, holdTimeout);
        this.events = events;
    }

    public TcpListener readWrite() {
        return readWrite;
    }

    public TcpListener readOnly() {
        return readOnly;
    }

    /** Leads {@code listener} to {@code server}, releasing held connections to it. */
    public void point(TcpListener listener, PostgresServer server, String why) {
        TcpListener.Route before = listener.target();
        listener.pointAt(new TcpListener.Route(server.name(), server.port()));
        events.emit(GeoDbEvent.Kind.LISTENER, listener.name(), before == null ? null : before.server(), server.name(),
                why);
    }

    /** Leads {@code listener} nowhere: connections are cut, new ones closed at once. */
    public void clear(TcpListener listener, String why) {
        TcpListener.Route before = listener.target();
        listener.clear();
        if (before != null) {
            events.emit(GeoDbEvent.Kind.LISTENER, listener.name(), before.server(), null, why);
        }
    }

    /**
     * A failover begins: new connections wait (bounded by the hold timeout), open ones are cut
     * once their transaction ends, or after {@code drain} at the latest.
     */
    public void hold(TcpListener listener, Duration drain, String why) {
        TcpListener.Route before = listener.target();
        listener.hold(drain);
        String server = before == null ? null : before.server();
        events.emit(GeoDbEvent.Kind.LISTENER, listener.name(), server, server, "holds new connections: " + why);
    }

    /** Leads the listener nowhere if it leads to {@code server}. */
    public void clearIfAt(TcpListener listener, PostgresServer server, String why) {
        TcpListener.Route target = listener.target();
        if (target != null && target.server().equals(server.name())) {
            clear(listener, why);
        }
    }

    @Override
    public void close() {
        readWrite.close();
        readOnly.close();
    }
}
