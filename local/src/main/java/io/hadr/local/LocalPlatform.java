package io.hadr.local;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.Capability;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.Platform;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The local environment as a drill sees it: every operation goes through the control API of a
 * running environment, so a drill drives what {@code hadr up --detach} started exactly as the
 * {@code hadr} commands do. {@link #connect(StateDir)} attaches to a running environment;
 * {@link #startOwn} starts one in this process (for {@code hadr drill run} and {@code hadr demo}
 * when none runs) and stops it again on {@link #close()}: its processes die with this JVM even if
 * it is killed, through their parent-death signal.
 */
public final class LocalPlatform implements Platform {

    private static final String KIND = "local";

    /** Everything a drill may ask of the local environment. */
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.APP_LIFECYCLE,
            Capability.APP_KILL,
            Capability.APP_SCALE,
            Capability.REGION_OUTAGE,
            Capability.DB_FAILOVER,
            Capability.ORIGIN_UPDATE,
            Capability.LINK_FAULTS,
            Capability.RESTORE,
            Capability.RESTORE_EXACT,
            Capability.GEO_RESTORE,
            Capability.ADOPT,
            Capability.SQL));

    private final ControlClient client;
    private final Topology topology;
    private final URI endpoint;

    /** What {@link #startOwn} started, stopped by {@link #close()}; null for an environment of another process. */
    private final HostedEnvironment own;

    private LocalPlatform(ControlClient client, Topology topology, HostedEnvironment own) {
        this.client = client;
        this.topology = topology;
        this.own = own;
        String url = client.status().endpoint();
        if (url == null) {
            throw new LocalEnvironmentException(
                    "the environment in " + client.stateDir().root() + " has no front door endpoint yet");
        }
        this.endpoint = URI.create(url);
    }

    /**
     * Attaches to the environment running from {@code stateDir} (e.g. started with {@code hadr up --detach}).
     *
     * @throws LocalEnvironmentException when none runs there
     */
    public static LocalPlatform connect(StateDir stateDir) {
        ControlClient client = ControlClient.connect(stateDir);
        return new LocalPlatform(client, client.topology(), null);
    }

    /**
     * Starts an environment of its own in this process, with a control API like {@code hadr up}'s
     * (so that {@code hadr status --state-dir DIR} shows it meanwhile), and returns once it is
     * ready. {@link #close()} stops it. Takes the state directory's lock: refused while another
     * environment runs from it.
     *
     * @param progress receives one line per start-up step
     */
    public static LocalPlatform startOwn(Topology topology, StateDir stateDir, Path appJar, Consumer<String> progress) {
        // The environment belongs to this platform's user (a drill): 'hadr down' is refused, not obeyed.
        HostedEnvironment own = HostedEnvironment.start(
                stateDir,
                () -> LocalEnvironment.start(topology, stateDir, appJar, progress),
                topology.local().controlPort(),
                null);
        try {
            StateDir.ControlFile file = stateDir.readControl()
                    .orElseThrow(() ->
                            new LocalEnvironmentException("the control file " + stateDir.controlFile() + " vanished"));
            return new LocalPlatform(ControlClient.of(stateDir, file), topology, own);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /** Like {@link #startOwn(Topology, StateDir, Path, Consumer)} with the app jar inside hadr (or {@code HADR_APP_JAR}). */
    public static LocalPlatform startOwn(Topology topology, StateDir stateDir, Consumer<String> progress) {
        return startOwn(topology, stateDir, AppJar.locate(stateDir), progress);
    }

    /** The topology with every local port set to 0 (any free port), so that an own environment never collides with another. */
    public static Topology onFreePorts(Topology topology) {
        return new Topology(
                topology.name(),
                topology.strategy(),
                topology.regions(),
                topology.app(),
                topology.frontDoor(),
                topology.database(),
                topology.backups(),
                topology.objectives(),
                topology.local().onFreePorts(),
                topology.source(),
                topology.nonAzureSettings());
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public EnvironmentStatus status() {
        return client.status();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void app(String region, AppAction action) {
        client.app(region, action);
    }

    @Override
    public void scale(String region, int instances) {
        client.scale(region, instances);
    }

    @Override
    public void region(String region, RegionAction action) {
        client.region(region, action);
    }

    @Override
    public FailoverResult failover(FailoverMode mode) {
        return client.failover(mode);
    }

    @Override
    public void origin(String region, OriginChange change) {
        client.origin(region, change);
    }

    @Override
    public void link(LinkFault fault) {
        client.link(fault);
    }

    @Override
    public void mark(String name) {
        client.mark(name);
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
        return client.restore(request, step -> {});
    }

    @Override
    public void adopt(String restore) {
        client.adopt(restore, step -> {});
    }

    @Override
    public SqlResult sql(SqlTarget target, String statement) {
        return client.sql(target, statement);
    }

    /** Stops the environment this platform started itself; leaves one it attached to running. */
    @Override
    public void close() {
        if (own != null) {
            own.close();
        }
    }
}
