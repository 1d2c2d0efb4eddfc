package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverPhase;
import io.hadr.geodb.ServerRole;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure's {@code forceFailoverAllowDataLoss}: fence the old primary first (a marker on disk,
 * the roles saved, SIGKILL if it runs), then promote the secondary and move the listeners.
 * Writes the secondary had not replayed are lost. If the old primary was still there, it is
 * reseeded at once as the new secondary, as Azure brings it back.
 */
public final class ForcedFailover {

    private static final Logger LOG = LoggerFactory.getLogger(ForcedFailover.class);

    private final GroupContext context;
    private final Seeding seeding;
    private final SyncCommit sync;

    public ForcedFailover(GroupContext context, Seeding seeding, SyncCommit sync) {
        this.context = context;
        this.seeding = seeding;
        this.sync = sync;
    }

    public void run(PostgresServer oldPrimary, PostgresServer newPrimary, Steps steps, String reason) {
        Listeners listeners = context.listeners();
        String why = "forced failover to '" + newPrimary.name() + "'";
        // New connections wait for the new primary; nothing is drained: the old primary is fenced.
        listeners.hold(listeners.readWrite(), Duration.ZERO, why);
        listeners.hold(listeners.readOnly(), Duration.ZERO, why);
        boolean oldWasRunning = oldPrimary.processAlive();
        oldPrimary.files().markFenced("forced failover: " + reason);
        // Saved before acting: a crash from here on resumes with the old primary fenced and
        // completes the promotion of the new one (it still has standby.signal).
        Map<PostgresServer, ServerRole> roles = new LinkedHashMap<>();
        roles.put(oldPrimary, ServerRole.FENCED);
        roles.put(newPrimary, ServerRole.PRIMARY);
        context.group().moveRoles("forced failover: " + reason, roles);
        if (oldWasRunning) {
            oldPrimary.kill("fenced by a forced failover");
        } else if (oldPrimary.state().processUp()) {
            oldPrimary.kill("found dead while fencing");
        }
        steps.done(FailoverPhase.OLD_PRIMARY_FENCED);

        Promotion.promote(newPrimary, context.config().timeouts().startup());
        steps.done(FailoverPhase.PROMOTED);

        listeners.point(listeners.readWrite(), newPrimary, "forced failover");
        listeners.clear(listeners.readOnly(), "forced failover: no secondary until the old primary is reseeded");
        steps.done(FailoverPhase.LISTENERS_MOVED);
        Promotion.configureNewPrimary(newPrimary, oldPrimary, sync);

        if (oldWasRunning) {
            // Its region is still there: like Azure, it comes back as the new secondary at once.
            try {
                seeding.reseed(oldPrimary, newPrimary, "forced failover");
                listeners.point(listeners.readOnly(), oldPrimary, "old primary reseeded as the new secondary");
                steps.done(FailoverPhase.OLD_PRIMARY_RESEEDED);
            } catch (RuntimeException e) {
                LOG.error(
                        "The fenced '{}' could not be reseeded now: {}; it will be when brought up",
                        oldPrimary.name(),
                        e.getMessage());
            }
        }
        sync.update();
    }
}
