package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverGroupBusyException;
import io.hadr.geodb.FailoverMode;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.ProgressListener;
import io.hadr.geodb.ReadWriteEndpoint;
import io.hadr.geodb.ServerState;
import io.hadr.toolkit.Threads;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's health check, every {@code healthChecks.interval}: which servers answer (an
 * unanswered one is {@link ServerState#UNRESPONSIVE}), self-healing of crashed servers, the
 * primary's outage clock and the automatic failover policy, synchronous commit, the replication
 * sample that remembers the secondary's last reply, and the group's state. A check is skipped
 * while an operation holds the group.
 */
public final class Watcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);

    private final GroupContext context;
    private final ReentrantLock operations;
    private final SelfHealer healer;
    private final SyncCommit sync;
    private final Failovers failovers;
    private final GroupProbe probe;
    private final ReplicationMonitor replication;
    private final ScheduledExecutorService executor;
    private volatile Instant primaryUnreachableSince;
    private volatile boolean closed;
    private boolean blockedLogged;

    public Watcher(
            GroupContext context,
            ReentrantLock operations,
            SelfHealer healer,
            SyncCommit sync,
            Failovers failovers,
            GroupProbe probe,
            ReplicationMonitor replication) {
        this.context = context;
        this.operations = operations;
        this.healer = healer;
        this.sync = sync;
        this.failovers = failovers;
        this.probe = probe;
        this.replication = replication;
        this.executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("hadr-geodb-watcher"));
    }

    public void start() {
        long interval = context.config().healthChecks().interval().toMillis();
        executor.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** When the current outage of the primary was first seen, or null while it answers. */
    public Instant primaryUnreachableSince() {
        return primaryUnreachableSince;
    }

    /** One health check; public so a caller holding nothing can run one now. */
    public void check() {
        if (closed || !operations.tryLock()) {
            return;
        }
        try {
            if (closed || !context.group().state().settled()) {
                return;
            }
            Instant now = context.config().clock().instant();
            checkLiveness();
            healer.tick(now);
            trackOutage(now);
            sync.update();
            replication.sample();
            GroupProbe.Observation o = probe.observe();
            if (closed) {
                // Closing interrupts the probe: what it saw says nothing about the servers.
                return;
            }
            PostgresServer primary = context.group().primary();
            context.group()
                    .settle(
                            o.primaryServes(),
                            o.secondaryStreams(),
                            o.primaryServes()
                                    ? (o.secondaryStreams() ? "the secondary streams" : "no secondary streams")
                                    : "the primary '" + primary.name() + "' does not serve writes (" + primary.state()
                                            + ")"
                                            + (context.config()
                                                                    .readWriteEndpoint()
                                                                    .isAutomatic()
                                                            && primaryUnreachableSince != null
                                                    ? "; automatic failover after "
                                                            + context.config()
                                                                    .readWriteEndpoint()
                                                                    .gracePeriod() + " of outage"
                                                    : ""));
        } catch (RuntimeException e) {
            LOG.warn("Health check failed: {}", e.toString());
        } finally {
            operations.unlock();
        }
    }

    private void checkLiveness() {
        int timeout = context.config().healthChecks().responseTimeoutSeconds();
        for (PostgresServer server : context.group().servers()) {
            if (!server.state().processUp() || !server.processAlive()) {
                continue;
            }
            long started = System.nanoTime();
            if (server.sql().answers(timeout)) {
                server.markResponsive("answers again");
            } else if (System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(timeout) && server.processAlive()) {
                // Only silence counts: a quick refusal (starting up, shutting down) is not unresponsiveness.
                server.markUnresponsive("did not answer within "
                        + context.config().healthChecks().responseTimeout());
            }
        }
    }

    private void trackOutage(Instant now) {
        PostgresServer primary = context.group().primary();
        if (primary.state() == ServerState.RUNNING) {
            if (primaryUnreachableSince != null) {
                LOG.info(
                        "The primary '{}' answers again after an outage since {}",
                        primary.name(),
                        primaryUnreachableSince);
            }
            primaryUnreachableSince = null;
            blockedLogged = false;
            return;
        }
        if (primaryUnreachableSince == null) {
            primaryUnreachableSince = now;
            LOG.warn("The primary '{}' is unreachable ({})", primary.name(), primary.state());
        }
        PostgresServer secondary = context.group().secondary();
        ReadWriteEndpoint endpoint = context.config().readWriteEndpoint();
        boolean ready = secondary != null && secondary.state() == ServerState.RUNNING;
        switch (AutomaticPolicy.decide(endpoint, primaryUnreachableSince, now, ready)) {
            case FAIL_OVER -> automaticFailover(primary, secondary, Duration.between(primaryUnreachableSince, now));
            case BLOCKED -> {
                if (!blockedLogged) {
                    LOG.error(
                            "Automatic failover due (primary '{}' unreachable since {}), but there is no running "
                                    + "secondary",
                            primary.name(),
                            primaryUnreachableSince);
                    blockedLogged = true;
                }
            }
            default -> {}
        }
    }

    private void automaticFailover(PostgresServer primary, PostgresServer secondary, Duration outage) {
        String reason = "automatic failover policy: primary '" + primary.name() + "' unreachable for " + outage
                + " (grace period " + context.config().readWriteEndpoint().gracePeriod() + ")";
        Failovers.Claim claim;
        try {
            claim = failovers.claim(FailoverMode.FORCED, secondary.name(), reason);
        } catch (FailoverGroupBusyException e) {
            return;
        }
        try {
            FailoverReport report = failovers.run(claim, ProgressListener.NONE);
            LOG.warn("Automatic failover done: {}", report);
            primaryUnreachableSince = null;
        } catch (RuntimeException e) {
            LOG.error("Automatic failover failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
