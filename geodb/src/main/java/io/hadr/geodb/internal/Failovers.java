package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverMode;
import io.hadr.geodb.FailoverPhase;
import io.hadr.geodb.FailoverRefusedException;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.ProgressListener;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One failover at a time, addressed to its target: {@link #claim} takes the group at request
 * time (refusing at once while another failover runs) and names the server that is to become
 * primary; {@link #run} decides with {@link FailoverPlanner} and performs the planned and/or
 * forced procedure, reporting each as events from the old primary to the target.
 */
public final class Failovers {

    private static final Logger LOG = LoggerFactory.getLogger(Failovers.class);

    /** A failover the group has been taken for. */
    public record Claim(FailoverMode mode, String target, String reason, Instant requestedAt) {
        String describe() {
            return mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " failover to '" + target + "' ("
                    + reason + ", requested at " + requestedAt + ")";
        }
    }

    private final GroupContext context;
    private final PlannedFailover planned;
    private final ForcedFailover forced;
    private final GroupProbe probe;
    private volatile FailoverReport last;

    public Failovers(GroupContext context, PlannedFailover planned, ForcedFailover forced, GroupProbe probe) {
        this.context = context;
        this.planned = planned;
        this.forced = forced;
        this.probe = probe;
    }

    /** The report of the latest failover that completed, or null. */
    public FailoverReport last() {
        return last;
    }

    /**
     * Takes the group for one failover, without waiting.
     *
     * @param target the server to become primary, or null for the one that is secondary now
     * @throws io.hadr.geodb.FailoverGroupBusyException while another failover runs
     * @throws IllegalArgumentException when no server has that name
     */
    public Claim claim(FailoverMode mode, String target, String reason) {
        FailoverGroup group = context.group();
        String resolved = target;
        if (resolved == null) {
            PostgresServer secondary = group.secondary();
            resolved = (secondary != null ? secondary : group.other(group.primary())).name();
        } else {
            group.server(resolved);
        }
        Claim claim = new Claim(mode, resolved, reason, context.config().clock().instant());
        group.beginFailover(claim.describe());
        return claim;
    }

    /** Gives the group back without running the claimed failover (the caller could not run it). */
    public void release(Claim claim) {
        GroupProbe.Observation o = probe.observe();
        context.group().endFailover(o.primaryServes(), o.secondaryStreams(), "failover not run: " + claim.describe());
    }

    /**
     * Decides and performs a claimed failover; the caller holds the group's operation lock.
     * Gives the group back whatever happens.
     *
     * @throws FailoverRefusedException when it is refused; then nothing changed
     */
    public FailoverReport run(Claim claim, ProgressListener progress) {
        FailoverGroup group = context.group();
        PostgresServer oldPrimary = group.primary();
        PostgresServer target = group.server(claim.target());
        Events events = context.events();
        Instant startedAt = context.config().clock().instant();
        events.failover(oldPrimary.name(), target.name(), claim.mode(), "begins: " + claim.reason());
        String outcome = "failover ended";
        try {
            FailoverPlanner.Plan plan = FailoverPlanner.plan(claim.mode(), snapshot(claim.mode(), oldPrimary, target));
            Steps steps = new Steps(progress);
            String fallback = null;
            FailoverMode performed = plan.first();
            if (plan.plannedSkipped() != null) {
                fallback = plan.plannedSkipped().getMessage();
                LOG.warn("Planned failover not possible, forcing it: {}", fallback);
                steps.done(FailoverPhase.PLANNED_ABANDONED);
                forced.run(oldPrimary, target, steps, claim.reason() + "; planned failover not possible");
            } else if (plan.first() == FailoverMode.PLANNED) {
                try {
                    planned.run(oldPrimary, target, steps);
                } catch (FailoverRefusedException e) {
                    if (!FailoverPlanner.fallBack(plan, e, target.processAlive())) {
                        throw e;
                    }
                    fallback = e.getMessage();
                    performed = FailoverMode.FORCED;
                    LOG.warn("Planned failover not possible, forcing it: {}", fallback);
                    steps.done(FailoverPhase.PLANNED_ABANDONED);
                    forced.run(oldPrimary, target, steps, claim.reason() + "; planned failover not possible");
                }
            } else {
                forced.run(oldPrimary, target, steps, claim.reason());
            }
            FailoverReport report = new FailoverReport(
                    claim.mode(),
                    performed,
                    oldPrimary.name(),
                    target.name(),
                    startedAt,
                    steps.phases(),
                    performed == FailoverMode.FORCED,
                    fallback,
                    claim.reason());
            last = report;
            events.failover(oldPrimary.name(), target.name(), performed, "done: " + report.summary());
            outcome = "failover done: " + report;
            return report;
        } catch (FailoverRefusedException e) {
            events.failover(oldPrimary.name(), target.name(), claim.mode(), "refused: " + e.getMessage());
            outcome = "failover refused";
            throw e;
        } catch (RuntimeException e) {
            events.failover(oldPrimary.name(), target.name(), claim.mode(), "failed: " + e.getMessage());
            outcome = "failover failed: " + e.getMessage();
            throw e;
        } finally {
            GroupProbe.Observation o = probe.observe();
            group.endFailover(o.primaryServes(), o.secondaryStreams(), outcome);
        }
    }

    private FailoverPlanner.Snapshot snapshot(FailoverMode mode, PostgresServer primary, PostgresServer target) {
        boolean planned = mode != FailoverMode.FORCED;
        int timeout = context.config().healthChecks().responseTimeoutSeconds() + 1;
        boolean targetRunning = target.state() == ServerState.RUNNING;
        ServerState targetState =
                targetRunning && !target.sql().answers(timeout) ? ServerState.UNRESPONSIVE : target.state();
        boolean primaryAnswers = planned
                && primary.state() == ServerState.RUNNING
                && primary.sql().answers(timeout);
        boolean streams = false;
        if (planned && targetState == ServerState.RUNNING) {
            try {
                streams = target.sql().streaming();
            } catch (SQLException e) {
                streams = false;
            }
        }
        ServerRole role = context.group().role(target);
        return new FailoverPlanner.Snapshot(
                primary.name(), primary.state(), target.name(), role, targetState, primaryAnswers, streams);
    }
}
