package io.hadr.core.platform;

import java.time.Instant;
import java.util.List;

/**
 * An environment as it is now: what {@code hadr status --json} and {@code hadr azure status --json}
 * print (field names are a contract, see DESIGN.md). Values a platform does not have are null,
 * never absent.
 *
 * @param platform {@code local} or {@code azure}
 * @param name the topology's name
 * @param strategy the DR strategy's word, e.g. {@code active-passive}
 * @param topology where the topology came from
 * @param endpoint the front door URL
 * @param frontDoorId what an app's lockdown expects in {@code X-Azure-FDID}
 * @param startedAt when the environment started (local) or was deployed (Azure)
 * @param pid the local supervisor's process id; null on Azure
 * @param regions both regions, the primary of the topology first
 * @param database the failover group, or null before it exists
 * @param nonAzureSettings settings Azure itself would not accept, one sentence each
 * @param link the link between the regions (local: latency, partition); null on Azure, where
 *     the network between regions is Azure's
 * @param appJvmOptions the options every app instance's JVM starts with (local: hadr's
 *     quick-start defaults, then the topology's {@code app.jvmOptions}; Azure: the {@code JAVA_OPTS}
 *     app setting), or null where they are not known
 */
public record EnvironmentStatus(
        String platform,
        String name,
        String strategy,
        String topology,
        String endpoint,
        String frontDoorId,
        Instant startedAt,
        Long pid,
        List<RegionStatus> regions,
        DatabaseStatus database,
        List<String> nonAzureSettings,
        LinkStatus link,
        List<String> appJvmOptions) {

    /** The region with this id. */
    public RegionStatus region(String id) {
        return regions.stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no region '" + id + "' in the status"));
    }

    /**
     * One region.
     *
     * @param role the database role of its server: primary or secondary (or fenced, restoring)
     * @param origin its front door origin, or null before there is a front door
     */
    public record RegionStatus(String id, String displayName, String role, List<AppStatus> apps, OriginStatus origin) {}

    /**
     * One app instance.
     *
     * @param state stopped, starting, running, stopping, crashed (or Azure's state word)
     * @param pid the process id while it runs (local)
     * @param restarts how many times it was started again after the first start (by hand or by healing)
     * @param lastExit how the previous process ended, e.g. "was killed by signal 9 at ...", or null
     * @param log its log file (local), or null
     * @param healing how the platform restarts it after crashes, or null where the platform does not say
     */
    public record AppStatus(
            String id,
            String url,
            String state,
            Long pid,
            Instant startedAt,
            int restarts,
            String lastExit,
            String log,
            Healing healing) {

        /** An instance without healing information. */
        public AppStatus(
                String id,
                String url,
                String state,
                Long pid,
                Instant startedAt,
                int restarts,
                String lastExit,
                String log) {
            this(id, url, state, pid, startedAt, restarts, lastExit, log, null);
        }
    }

    /**
     * In-region self-healing of one instance: a crashed instance (one that was not stopped or
     * killed on purpose) is started again after a back-off, like App Service restarts a crashed
     * instance; one that keeps crashing is left down and reported.
     *
     * @param recentCrashes crashes within the platform's counting window
     * @param nextRestartAt when the instance will be started again, or null when no restart is due
     * @param gaveUp true when it crashed too often within the window and is no longer restarted
     */
    public record Healing(int recentCrashes, Instant nextRestartAt, boolean gaveUp) {}

    /**
     * A region's origin: its app instances taken together.
     *
     * @param probes each instance's recent probe results, e.g. {@code ✓✓✗✓}
     * @param latencyMs the last probe's latency
     * @param requestsServed requests the front door sent to the region
     * @param failures requests that failed at the region
     */
    public record OriginStatus(
            int priority,
            int weight,
            boolean enabled,
            boolean healthy,
            List<String> probes,
            Double latencyMs,
            long requestsServed,
            long failures) {}

    /**
     * The failover group.
     *
     * @param primary the region whose server is primary
     * @param secondary the region whose server is the geo-secondary, or null while there is none
     * @param state the group's own state, e.g. steady, failing-over, degraded
     * @param readWriteListener host:port of the read-write listener (the primary region's entry locally)
     * @param readWriteTarget the server it leads to, or null while held
     * @param readOnlyListener host:port of the read-only listener (the primary region's entry locally)
     * @param readOnlyTarget the server it leads to, or null
     * @param replication async or sync
     * @param replicationLagBytes WAL not yet replayed by the secondary; null when unknown
     * @param replicationLagMs how far behind the secondary's replay is in time; null when unknown
     * @param failoverPolicy manual or automatic
     * @param lastFailover the latest failover, or null
     * @param listeners every listener entry (locally one per region for each listener; apps of a
     *     region use their region's), or an empty list where there are none of hadr's own
     * @param replicationFromPrimary replication as the primary measures it, or null without a
     *     primary that answers or without a secondary
     * @param backups continuous backups at a glance, or null where the platform does not say
     */
    public record DatabaseStatus(
            String primary,
            String secondary,
            String state,
            String readWriteListener,
            String readWriteTarget,
            String readOnlyListener,
            String readOnlyTarget,
            String replication,
            boolean synchronousCommit,
            Long replicationLagBytes,
            Long replicationLagMs,
            String failoverPolicy,
            Instant primaryUnreachableSince,
            List<ServerStatus> servers,
            FailoverResult lastFailover,
            List<ListenerStatus> listeners,
            ReplicationStatus replicationFromPrimary,
            BackupSummary backups) {

        /** A failover group with listeners and replication, whose platform says nothing about backups. */
        public DatabaseStatus(
                String primary,
                String secondary,
                String state,
                String readWriteListener,
                String readWriteTarget,
                String readOnlyListener,
                String readOnlyTarget,
                String replication,
                boolean synchronousCommit,
                Long replicationLagBytes,
                Long replicationLagMs,
                String failoverPolicy,
                Instant primaryUnreachableSince,
                List<ServerStatus> servers,
                FailoverResult lastFailover,
                List<ListenerStatus> listeners,
                ReplicationStatus replicationFromPrimary) {
            this(
                    primary,
                    secondary,
                    state,
                    readWriteListener,
                    readWriteTarget,
                    readOnlyListener,
                    readOnlyTarget,
                    replication,
                    synchronousCommit,
                    replicationLagBytes,
                    replicationLagMs,
                    failoverPolicy,
                    primaryUnreachableSince,
                    servers,
                    lastFailover,
                    listeners,
                    replicationFromPrimary,
                    null);
        }

        /** A failover group without listener entries, a measurement from the primary's side or backups (Azure). */
        public DatabaseStatus(
                String primary,
                String secondary,
                String state,
                String readWriteListener,
                String readWriteTarget,
                String readOnlyListener,
                String readOnlyTarget,
                String replication,
                boolean synchronousCommit,
                Long replicationLagBytes,
                Long replicationLagMs,
                String failoverPolicy,
                Instant primaryUnreachableSince,
                List<ServerStatus> servers,
                FailoverResult lastFailover) {
            this(
                    primary,
                    secondary,
                    state,
                    readWriteListener,
                    readWriteTarget,
                    readOnlyListener,
                    readOnlyTarget,
                    replication,
                    synchronousCommit,
                    replicationLagBytes,
                    replicationLagMs,
                    failoverPolicy,
                    primaryUnreachableSince,
                    servers,
                    lastFailover,
                    List.of(),
                    null,
                    null);
        }
    }

    /**
     * Continuous backups at a glance: how much a restore could lose now and what it can reach.
     *
     * @param enabled whether backups are taken
     * @param primaryStore the region whose backup store the primary archives into
     * @param archiveLagMs how long the oldest WAL not yet archived has waited: the backup RPO now; null when unknown
     * @param archiveLagBytes WAL written but not archived yet; null when unknown
     * @param geoCopyLagMs how much longer the other region's copy trails; null when unknown
     * @param earliestRestorePoint the earliest time a restore can go to, or null
     * @param latestRestorePoint restores go to times before this, or null
     * @param lastBaseBackupAt when the newest base backup ended, or null
     * @param retention the retention window, e.g. {@code 7d}
     * @param archiveTimeout the longest a commit waits to be archived, e.g. {@code 60s}
     * @param problems what is wrong, one sentence each
     */
    public record BackupSummary(
            boolean enabled,
            String primaryStore,
            Long archiveLagMs,
            Long archiveLagBytes,
            Long geoCopyLagMs,
            Instant earliestRestorePoint,
            Instant latestRestorePoint,
            Instant lastBaseBackupAt,
            String retention,
            String archiveTimeout,
            List<String> problems) {}

    /**
     * One database server.
     *
     * @param name the server name (its region id)
     * @param role primary, secondary, fenced, restoring
     * @param state running, stopped, down, unresponsive, ...
     * @param restarts how often it was restarted after a crash (self-healing)
     * @param lastCrashAt when it was last found crashed, or null
     * @param crashLooping true when it crashed too often in a short while and is no longer restarted
     */
    public record ServerStatus(
            String name,
            String role,
            String state,
            Integer port,
            Long pid,
            Integer timeline,
            String currentLsn,
            String replayLsn,
            Boolean streaming,
            int restarts,
            String log,
            String error,
            Instant lastCrashAt,
            boolean crashLooping) {

        /** A server without crash history. */
        public ServerStatus(
                String name,
                String role,
                String state,
                Integer port,
                Long pid,
                Integer timeline,
                String currentLsn,
                String replayLsn,
                Boolean streaming,
                int restarts,
                String log,
                String error) {
            this(
                    name,
                    role,
                    state,
                    port,
                    pid,
                    timeline,
                    currentLsn,
                    replayLsn,
                    streaming,
                    restarts,
                    log,
                    error,
                    null,
                    false);
        }
    }

    /**
     * One listener entry: where the clients of a region connect to reach the failover group.
     *
     * @param name read-write or read-only
     * @param region the region whose clients use it
     * @param address host:port
     * @param target the server it leads to now, or null
     * @param crossesLink whether its connections cross the inter-region link (the target is in the other region)
     * @param connections client connections it carries now
     */
    public record ListenerStatus(
            String name, String region, String address, String target, boolean crossesLink, int connections) {}

    /**
     * Replication measured on the primary's side ({@code pg_stat_replication}, and the secondary's
     * replication slot while it is not connected), so it stays known when the secondary stops answering.
     *
     * @param connected whether the secondary's WAL receiver is connected now
     * @param walSenderState streaming, catchup, ... or null while not connected
     * @param currentLsn the primary's current WAL position
     * @param sentLsn WAL sent to the secondary
     * @param flushLsn WAL the secondary flushed (the slot's confirmed position while not connected)
     * @param replayLsn WAL the secondary replayed
     * @param lagBytes WAL not yet replayed (not yet confirmed while not connected)
     * @param writeLagMs PostgreSQL's write_lag
     * @param flushLagMs PostgreSQL's flush_lag
     * @param replayLagMs PostgreSQL's replay_lag
     * @param lastReplyAt when the secondary last reported its position
     * @param sinceLastReplyMs how long ago that was
     */
    public record ReplicationStatus(
            boolean connected,
            String walSenderState,
            String currentLsn,
            String sentLsn,
            String flushLsn,
            String replayLsn,
            Long lagBytes,
            Long writeLagMs,
            Long flushLagMs,
            Long replayLagMs,
            Instant lastReplyAt,
            Long sinceLastReplyMs) {}

    /**
     * The link between the regions (local environment): every cross-region database byte takes it.
     *
     * @param latencyMs the one-way latency added to every byte, in milliseconds
     * @param partitioned whether the link is cut (nothing crosses; connections stall)
     * @param partitionedSince when the current partition began, or null
     * @param connections connections crossing now (replication, apps reaching the other region, seeding)
     * @param directions each direction's traffic
     */
    public record LinkStatus(
            double latencyMs,
            boolean partitioned,
            Instant partitionedSince,
            int connections,
            List<LinkDirection> directions) {}

    /**
     * One direction of the link.
     *
     * @param from the region bytes leave
     * @param to the region they arrive in
     * @param deliveredBytes bytes that arrived since the environment started
     * @param pendingBytes bytes on their way: delayed by the latency, or held by a partition
     */
    public record LinkDirection(String from, String to, long deliveredBytes, long pendingBytes) {}
}
