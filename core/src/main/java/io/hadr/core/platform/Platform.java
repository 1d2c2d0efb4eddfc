package io.hadr.core.platform;

import io.hadr.core.topology.Topology;
import java.net.URI;
import java.util.Set;

/**
 * What a drill may do to an environment, and the only way it reaches one besides the endpoint's
 * HTTP traffic. Implemented over the control API of a local environment and over Azure Resource
 * Manager; a drill cannot tell which one it drives.
 *
 * <p>An operation the platform cannot perform throws {@link NotSupportedException} naming the
 * {@link Capability}; it is never a silent no-op. Other failures throw {@link PlatformException}
 * with one clear sentence. Every operation returns once the platform has done what it was asked
 * (an app stopped, a failover completed), not when the request was merely accepted.
 */
public interface Platform extends AutoCloseable {

    /** {@code "local"} or {@code "azure"}: what {@code report.json} calls the platform. */
    String kind();

    Topology topology();

    /** The front door endpoint every drill request goes to. */
    URI endpoint();

    /** The environment as it is now. */
    EnvironmentStatus status();

    /** What this platform can do; operations outside it throw {@link NotSupportedException}. */
    Set<Capability> capabilities();

    /** Stops, starts, restarts or kills every app instance of a region (App Service's site actions). */
    void app(String region, AppAction action);

    /** Sets a region's number of running app instances (App Service's instance count); 0 stops the app. */
    void scale(String region, int instances);

    /** Takes a whole region away (its apps and database server die at once) or brings it back. */
    void region(String region, RegionAction action);

    /** Fails the database over to the current secondary; returns once the failover completed. */
    FailoverResult failover(FailoverMode mode);

    /** Changes a region's origin in the front door's origin group, like an ARM update of the origin. */
    void origin(String region, OriginChange change);

    /** Changes the link between the regions (latency, partition, heal). */
    void link(LinkFault fault);

    /** Creates a named restore point that {@link RestoreTarget.AtMark} can restore to. */
    void mark(String name);

    /** Restores the database to a point in time as a new server; never touches the live database. */
    RestoreResult restore(RestoreRequest request);

    /** Makes a restored server the failover group's primary, behind the same listeners and endpoint. */
    void adopt(String restore);

    /** Runs one SQL statement on the target and returns its rows. */
    SqlResult sql(SqlTarget target, String statement);

    /** Throws {@link NotSupportedException} unless this platform has the capability. */
    default void require(Capability capability) {
        if (!capabilities().contains(capability)) {
            throw NotSupportedException.of(kind(), capability);
        }
    }

    /** Releases what the platform holds (connections, an environment it started itself). */
    @Override
    default void close() {}
}
