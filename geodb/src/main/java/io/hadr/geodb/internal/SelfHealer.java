package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.SelfHealing;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-region high availability: restarts a primary or secondary whose process died without hadr
 * ending it, with the backoff and the give-up rule of {@link SelfHealing}. Servers taken down on
 * purpose ({@link #holdDown}) and fenced servers are never restarted; an operator bringing a
 * server up ({@link #release}) starts its crash history over.
 */
public final class SelfHealer {

    private static final Logger LOG = LoggerFactory.getLogger(SelfHealer.class);

    private final GroupContext context;
    private final ServerRecovery recovery;
    private final SelfHealing policy;
    private final Map<String, CrashHistory> histories = new ConcurrentHashMap<>();
    private final Map<String, Integer> crashesSeen = new ConcurrentHashMap<>();
    private final Set<String> heldDown = ConcurrentHashMap.newKeySet();
    /** Primaries whose restart the read-write listener waits for, holding new connections. */
    private final Set<String> holdingListener = ConcurrentHashMap.newKeySet();

    public SelfHealer(GroupContext context, ServerRecovery recovery) {
        this.context = context;
        this.recovery = recovery;
        this.policy = context.config().selfHealing();
        for (PostgresServer server : context.group().servers()) {
            histories.put(server.name(), new CrashHistory(policy));
            crashesSeen.put(server.name(), 0);
        }
    }

    /** The server was taken down on purpose (region down, stop): it stays down. */
    public void holdDown(PostgresServer server) {
        heldDown.add(server.name());
        stopHolding(server, "'" + server.name() + "' is taken down on purpose");
    }

    /** An operator brought the server up: it is healed again after future crashes, with a fresh history. */
    public void release(PostgresServer server) {
        heldDown.remove(server.name());
        holdingListener.remove(server.name());
        histories.get(server.name()).reset();
    }

    /** Leads the read-write listener back to a primary it held connections for (refusing them while it is down). */
    private void stopHolding(PostgresServer server, String why) {
        if (holdingListener.remove(server.name()) && context.group().role(server) == ServerRole.PRIMARY) {
            Listeners listeners = context.listeners();
            listeners.point(listeners.readWrite(), server, why);
        }
    }

    public CrashHistory history(PostgresServer server) {
        return histories.get(server.name());
    }

    /** One health check's worth of healing; the caller holds the group's operation lock. */
    public void tick(Instant now) {
        for (PostgresServer server : context.group().servers()) {
            CrashHistory history = histories.get(server.name());
            int crashes = server.crashes();
            if (crashes > crashesSeen.get(server.name())) {
                crashesSeen.put(server.name(), crashes);
                onCrash(server, history, now, "its process exited without hadr ending it");
            }
            if (history.restartDue(now)) {
                restart(server, history, now);
            }
        }
    }

    private boolean heals(PostgresServer server) {
        ServerRole role = context.group().role(server);
        return policy.enabled()
                && !heldDown.contains(server.name())
                && (role == ServerRole.PRIMARY || role == ServerRole.SECONDARY);
    }

    private void onCrash(PostgresServer server, CrashHistory history, Instant now, String what) {
        if (!heals(server)) {
            LOG.warn(
                    "Server '{}' crashed ({}); it is not restarted ({})",
                    server.name(),
                    what,
                    policy.enabled() ? "down on purpose or fenced" : "self-healing is off");
            return;
        }
        if (history.crashed(now) == CrashHistory.Decision.GIVE_UP) {
            context.events()
                    .emit(
                            GeoDbEvent.Kind.HEALING,
                            server.name(),
                            "restarting",
                            "crash-looping",
                            String.format(
                                    "%s; %d crashes within %s is more than the %d restarts allowed: it stays down "
                                            + "until brought up by hand",
                                    what, history.recentCrashes(), policy.window(), policy.maxRestarts()));
            stopHolding(server, "restarts of '" + server.name() + "' stopped");
        } else {
            context.events()
                    .emit(
                            GeoDbEvent.Kind.HEALING,
                            server.name(),
                            ServerState.DOWN,
                            "restart planned",
                            String.format("%s; restart #%d in %s", what, history.restarts() + 1, history.backoff()));
            if (context.group().role(server) == ServerRole.PRIMARY && holdingListener.add(server.name())) {
                // A restarted primary is usually back within the hold timeout: clients wait for it
                // instead of being refused, as they do during a failover.
                Listeners listeners = context.listeners();
                listeners.hold(
                        listeners.readWrite(),
                        java.time.Duration.ZERO,
                        "the primary '" + server.name() + "' crashed and is being restarted");
            }
        }
    }

    private void restart(PostgresServer server, CrashHistory history, Instant now) {
        if (!heals(server) || server.state() != ServerState.DOWN) {
            history.reset();
            stopHolding(server, "'" + server.name() + "' is no longer restarted by self-healing");
            return;
        }
        history.restarting();
        String why = "self-healing: restart #" + history.restarts() + " after a crash";
        try {
            recovery.bringUp(server, why);
            // Bringing a primary up leads the read-write listener to it, releasing held connections.
            holdingListener.remove(server.name());
            context.events()
                    .emit(GeoDbEvent.Kind.HEALING, server.name(), ServerState.DOWN, server.state(), why + " done");
        } catch (RuntimeException e) {
            LOG.warn("Restarting the crashed server '{}' failed: {}", server.name(), e.getMessage());
            onCrash(server, history, now, "the restart failed: " + e.getMessage());
        }
    }
}
