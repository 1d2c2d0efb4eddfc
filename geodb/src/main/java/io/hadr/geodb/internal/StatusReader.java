package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.GeoDbStatus;
import io.hadr.geodb.ListenerStatus;
import io.hadr.geodb.ReplicationStatus;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import io.hadr.geodb.ServerStatus;
import io.hadr.toolkit.Threads;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The group as seen now. Each server is asked in parallel, within the health checks' response
 * timeout, so that one server that does not answer neither hides the other nor makes the caller
 * wait; a server whose process runs but that does not answer in time is reported (and marked)
 * {@link ServerState#UNRESPONSIVE}. Replication is measured on the primary's side.
 */
public final class StatusReader implements AutoCloseable {

    private static final String SERVER_SQL = "SELECT pg_is_in_recovery(), "
            + "CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn()::text END, "
            + "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
            + "CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END, "
            + "(SELECT status FROM pg_stat_wal_receiver), (SELECT received_tli FROM pg_stat_wal_receiver), "
            + "(SELECT timeline_id FROM pg_control_checkpoint()), "
            // A standby that does not stream still has the WAL it replays: its newest segment names
            // the timeline it is on, where the last checkpoint's timeline may be an older one.
            + "CASE WHEN pg_is_in_recovery() THEN (SELECT max(substr(name, 1, 8)) FROM pg_ls_waldir() "
            + "WHERE name ~ '^[0-9A-F]{24}$') END";

    private final GroupContext context;
    private final SelfHealer healer;
    private final SyncCommit sync;
    private final Watcher watcher;
    private final Failovers failovers;
    private final ReplicationMonitor replication;
    private final ExecutorService executor = Executors.newCachedThreadPool(Threads.daemon("hadr-geodb-status"));

    public StatusReader(
            GroupContext context,
            SelfHealer healer,
            SyncCommit sync,
            Watcher watcher,
            Failovers failovers,
            ReplicationMonitor replication) {
        this.context = context;
        this.healer = healer;
        this.sync = sync;
        this.watcher = watcher;
        this.failovers = failovers;
        this.replication = replication;
    }

    public GeoDbStatus read() {
        GeoDbConfig config = context.config();
        FailoverGroup group = context.group();
        List<CompletableFuture<ServerStatus>> asked = new ArrayList<>();
        for (PostgresServer server : group.servers()) {
            asked.add(CompletableFuture.supplyAsync(() -> serverStatus(server), executor));
        }
        CompletableFuture<ReplicationStatus> lag = CompletableFuture.supplyAsync(replication::sample, executor);
        List<ServerStatus> servers = asked.stream().map(CompletableFuture::join).toList();
        ReplicationStatus replicationStatus = lag.join();
        PostgresServer primary = group.primary();
        PostgresServer secondary = group.secondary();
        ListenerSet readWrite = context.listeners().readWrite();
        ListenerSet readOnly = context.listeners().readOnly();
        List<ListenerStatus> listeners = new ArrayList<>();
        for (ListenerSet set : List.of(readWrite, readOnly)) {
            for (TcpListener listener : set.all()) {
                TcpListener.Route route = listener.route();
                listeners.add(new ListenerStatus(
                        set.name(),
                        listener.region(),
                        listener.endpoint(config.databaseName()),
                        route == null ? null : route.server(),
                        route != null && context.routes().crosses(listener.region(), route.server()),
                        listener.activeConnections()));
            }
        }
        return new GeoDbStatus(
                primary == null ? null : primary.name(),
                secondary == null ? null : secondary.name(),
                group.state(),
                servers,
                readWrite.home().endpoint(config.databaseName()),
                readWrite.routeServer(),
                readOnly.home().endpoint(config.databaseName()),
                readOnly.routeServer(),
                config.replicationMode(),
                sync.on(),
                replicationStatus == null ? null : replicationStatus.lagBytes(),
                replicationStatus == null ? null : replicationStatus.lagMillis(),
                replicationStatus,
                config.failoverPolicy(),
                config.readWriteEndpoint().gracePeriod(),
                watcher.primaryUnreachableSince(),
                failovers.last(),
                listeners,
                context.routes().link().status());
    }

    private ServerStatus serverStatus(PostgresServer server) {
        ServerRole role = context.group().role(server);
        CrashHistory history = healer.history(server);
        Long pid = server.pid();
        if (pid == null || !server.state().processUp()) {
            return status(server, role, server.state(), pid, null, null, null, null, null, null, history, null);
        }
        int timeout = context.config().healthChecks().responseTimeoutSeconds();
        long started = System.nanoTime();
        try {
            return server.sql().queryOne(SERVER_SQL, timeout, rs -> {
                boolean recovery = rs.getBoolean(1);
                Integer timeline;
                boolean streaming = "streaming".equals(rs.getString(6));
                if (!recovery) {
                    timeline = Integer.parseInt(rs.getString(5).substring(0, 8), 16);
                } else {
                    int received = rs.getInt(7);
                    boolean receiving = !rs.wasNull();
                    int checkpoint = rs.getInt(8);
                    String newestSegment = rs.getString(9);
                    int held = newestSegment == null ? 0 : Integer.parseInt(newestSegment, 16);
                    timeline = receiving && streaming ? received : Math.max(checkpoint, held);
                }
                server.markResponsive("answers again");
                return status(
                        server,
                        role,
                        server.state(),
                        pid,
                        recovery,
                        timeline,
                        rs.getString(2),
                        recovery ? rs.getString(3) : null,
                        recovery ? rs.getString(4) : null,
                        recovery ? streaming : null,
                        history,
                        null);
            });
        } catch (SQLException e) {
            boolean timedOut = System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(timeout);
            if (timedOut && server.processAlive()) {
                server.markUnresponsive("did not answer within " + timeout + " s");
            }
            return status(
                    server,
                    role,
                    server.state(),
                    pid,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    history,
                    timedOut ? "did not answer within " + timeout + " s" : e.getMessage());
        }
    }

    private static ServerStatus status(
            PostgresServer server,
            ServerRole role,
            ServerState state,
            Long pid,
            Boolean recovery,
            Integer timeline,
            String currentLsn,
            String receiveLsn,
            String replayLsn,
            Boolean streaming,
            CrashHistory history,
            String error) {
        return new ServerStatus(
                server.name(),
                role,
                state,
                server.port(),
                pid,
                recovery,
                timeline,
                currentLsn,
                receiveLsn,
                replayLsn,
                streaming,
                server.files().logFile(),
                error,
                history.restarts(),
                history.lastCrashAt(),
                history.gaveUp());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
