package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A region's database server going down and coming back, without a failover: SIGKILL or a clean
 * stop keep the role; bringing a server back resumes it in its role (a primary as primary, a
 * secondary streaming again) or reseeds a fenced one as the secondary. Self-healing uses the
 * same way back for a server that crashed.
 */
public final class ServerRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRecovery.class);

    private final GroupContext context;
    private final Seeding seeding;
    private final SyncCommit sync;

    public ServerRecovery(GroupContext context, Seeding seeding, SyncCommit sync) {
        this.context = context;
        this.seeding = seeding;
        this.sync = sync;
    }

    /** SIGKILL of the postmaster, as a region disappears. Its role is kept. */
    public void kill(PostgresServer server, String why) {
        server.kill(why);
        afterServerLeft(server);
    }

    /** Fast shutdown. Its role is kept. */
    public void stop(PostgresServer server, String why) {
        server.stop(context.config().timeouts().shutdown(), why);
        afterServerLeft(server);
    }

    private void afterServerLeft(PostgresServer server) {
        context.listeners().clearIfAt(context.listeners().readOnly(), server, "'" + server.name() + "' is down");
        sync.update();
    }

    /**
     * Brings a server back in its role. Does nothing when it runs and answers.
     *
     * @param why for the server's log and events, e.g. "region up" or "self-healing: restart after a crash"
     */
    public void bringUp(PostgresServer server, String why) {
        if (server.state() == ServerState.RUNNING && server.processAlive()) {
            return;
        }
        if (server.processAlive()) {
            server.kill("restarting a server that is " + server.state());
        }
        server.markStopped("being brought up: " + why);
        FailoverGroup group = context.group();
        Listeners listeners = context.listeners();
        ServerRole role = group.role(server);
        PostgresServer primary = role == ServerRole.PRIMARY ? server : group.primary();
        switch (role) {
            case PRIMARY -> {
                server.writeConfig(RoleSettings.primary(null, false));
                server.start(context.config().timeouts().startup(), why + ": resuming as primary");
                sync.reset();
                listeners.point(listeners.readWrite(), server, "primary is back (" + why + ")");
            }
            case SECONDARY -> {
                try {
                    seeding.resumeStandby(server, primary);
                } catch (GeoDbException e) {
                    LOG.warn("'{}' cannot resume streaming ({}); reseeding it", server.name(), e.getMessage());
                    server.kill("cannot resume streaming");
                    seeding.reseed(server, primary, "could not resume streaming");
                }
                listeners.point(listeners.readOnly(), server, "secondary is back (" + why + ")");
            }
            case FENCED, RESEEDING -> {
                seeding.reseed(server, primary, why + " after being fenced");
                listeners.point(listeners.readOnly(), server, "former primary is back as the secondary");
            }
            default -> throw new IllegalStateException("unknown role " + role);
        }
        sync.update();
    }
}
