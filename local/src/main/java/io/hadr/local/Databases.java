package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.topology.BackupSpec;
import io.hadr.core.topology.DatabaseSpec;
import io.hadr.core.topology.Topology;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.GeoDbStatus;
import io.hadr.geodb.LinkStatus;
import io.hadr.geodb.ListenerStatus;
import io.hadr.geodb.PostgresBinaries;
import io.hadr.geodb.ReadWriteEndpoint;
import io.hadr.geodb.ReplicationMode;
import io.hadr.geodb.ReplicationStatus;
import io.hadr.geodb.ServerStatus;
import io.hadr.geodb.backup.BackupSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Maps a topology onto the geo-replicated database's own configuration (one server per region,
 * named by region id; each region's listener entries after the servers' ports; the inter-region
 * link's latency), and its status back into the shape {@code hadr status --json} promises.
 */
final class Databases {

    /** The application's database account; its password is made once and kept in the state directory. */
    static final String APP_USER = "hadr";

    /** The app setting that sizes each app instance's connection pool; see {@link #poolSize}. */
    static final String POOL_SIZE_VARIABLE = "HADR_DB_POOL_SIZE";

    private Databases() {}

    static GeoDbConfig config(Topology topology, StateDir stateDir, PostgresBinaries binaries) {
        DatabaseSpec spec = topology.database();
        int base = topology.local().databaseBasePort();
        // Each region's apps reach the group through their region's listener entries.
        GeoDbConfig.Builder builder = GeoDbConfig.custom()
                .dataRoot(dataRoot(stateDir))
                .server(
                        topology.primary().id(),
                        base == 0 ? 0 : base,
                        base == 0 ? 0 : base + 2,
                        base == 0 ? 0 : base + 3)
                .server(
                        topology.secondary().id(),
                        base == 0 ? 0 : base + 1,
                        base == 0 ? 0 : base + 4,
                        base == 0 ? 0 : base + 5)
                .initialPrimary(topology.primary().id())
                .linkLatency(topology.local().interRegionLatency())
                .replicationMode(
                        spec.replication() == io.hadr.core.topology.ReplicationMode.SYNC
                                ? ReplicationMode.SYNC
                                : ReplicationMode.ASYNC)
                .databaseName(spec.name())
                .user(APP_USER)
                .password(appPassword(stateDir))
                // Sized by the topology, whose validation made sure every app's pool fits; the
                // sessions of hadr and operators are reserved so the pools can never take them.
                .maxConnections(spec.maxConnections())
                .reservedConnections(topology.connectionBudget().reservedConnections())
                .binaries(binaries)
                .backups(backups(topology));
        if (spec.failoverPolicy() == io.hadr.core.topology.FailoverPolicy.AUTOMATIC) {
            builder.readWriteEndpoint(ReadWriteEndpoint.automatic(spec.gracePeriod()));
        }
        return builder.build();
    }

    /**
     * Continuous backups as the topology asks: WAL archived from whichever server is primary into
     * its region's store under the database's data root, copied to the other region's store.
     */
    static BackupSettings backups(Topology topology) {
        BackupSpec spec = topology.backups();
        return BackupSettings.DEFAULT
                .withRetention(spec.retention())
                .withArchiveTimeout(spec.archiveTimeout())
                .withBaseBackupInterval(spec.baseBackupInterval());
    }

    /** Each app instance's pool size, to be given to the app as {@link #POOL_SIZE_VARIABLE}. */
    static int poolSize(Topology topology) {
        return topology.app().databasePoolSize();
    }

    /**
     * Where the database servers keep their data: {@code <state dir>/db}. When hadr runs as root,
     * PostgreSQL runs as {@code nobody}, which cannot reach a state directory below a private
     * directory such as {@code /root}; then the data goes to {@code /var/lib/hadr/<id>/db} (one id
     * per state directory, so that every environment keeps its own data between runs) and the
     * state directory records where, in {@code db-location}.
     */
    static Path dataRoot(StateDir stateDir) {
        Path inside = stateDir.root().resolve("db");
        if (!SharedArea.runningAsRoot() || SharedArea.reachableByOthers(stateDir.root())) {
            return inside;
        }
        Path outside = SharedArea.of(stateDir).resolve("db");
        try {
            SharedArea.createReachable(outside);
            Files.createDirectories(stateDir.root());
            Files.writeString(stateDir.root().resolve("db-location"), outside + System.lineSeparator());
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "PostgreSQL (running as nobody) cannot reach " + inside + " and " + outside
                            + " cannot be prepared (" + e.getMessage()
                            + "); use a --state-dir outside private directories such as /root",
                    e);
        }
        return outside;
    }

    /** The app's password: random, made on first start, readable only by its owner. */
    static String appPassword(StateDir stateDir) {
        Path file = stateDir.root().resolve("db-app-password");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(stateDir.root());
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
            return password;
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "cannot keep the database password in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The failover group as {@code hadr status} and {@code hadr db status} show it. */
    static EnvironmentStatus.DatabaseStatus status(GeoDbStatus status) {
        return status(status, null);
    }

    /** The same with the backups at a glance (null when unknown). */
    static EnvironmentStatus.DatabaseStatus status(GeoDbStatus status, EnvironmentStatus.BackupSummary backups) {
        return new EnvironmentStatus.DatabaseStatus(
                status.primary(),
                status.secondary(),
                word(status.state()),
                status.readWriteListener().address(),
                status.readWriteTarget(),
                status.readOnlyListener().address(),
                status.readOnlyTarget(),
                word(status.replicationMode()),
                status.synchronousCommit(),
                status.replicationLagBytes(),
                status.replicationLagMillis(),
                word(status.failoverPolicy()),
                status.primaryUnreachableSince(),
                status.servers().stream().map(Databases::server).toList(),
                status.lastFailover() == null ? null : result(status.lastFailover()),
                status.listeners().stream().map(Databases::listener).toList(),
                replication(status.replication()),
                backups);
    }

    private static EnvironmentStatus.ServerStatus server(ServerStatus server) {
        return new EnvironmentStatus.ServerStatus(
                server.name(),
                word(server.role()),
                word(server.state()),
                server.port(),
                server.pid(),
                server.timeline(),
                server.currentLsn(),
                server.replayLsn(),
                server.streaming(),
                server.restarts(),
                server.logFile() == null ? null : server.logFile().toString(),
                server.error(),
                server.lastCrashAt(),
                server.crashLooping());
    }

    private static EnvironmentStatus.ListenerStatus listener(ListenerStatus listener) {
        return new EnvironmentStatus.ListenerStatus(
                listener.name(),
                listener.region(),
                listener.endpoint().address(),
                listener.target(),
                listener.crossesLink(),
                listener.activeConnections());
    }

    private static EnvironmentStatus.ReplicationStatus replication(ReplicationStatus r) {
        if (r == null) {
            return null;
        }
        return new EnvironmentStatus.ReplicationStatus(
                r.connected(),
                r.walSenderState(),
                r.currentLsn(),
                r.sentLsn(),
                r.flushLsn(),
                r.replayLsn(),
                r.lagBytes(),
                millis(r.writeLag()),
                millis(r.flushLag()),
                millis(r.replayLag()),
                r.lastReplyAt(),
                millis(r.sinceLastReply()));
    }

    /** The inter-region link as {@code hadr status} shows it. */
    static EnvironmentStatus.LinkStatus link(LinkStatus link) {
        return new EnvironmentStatus.LinkStatus(
                link.latency().toNanos() / 1e6,
                link.partitioned(),
                link.partitionedSince(),
                link.connections(),
                link.directions().stream()
                        .map(d -> new EnvironmentStatus.LinkDirection(
                                d.from(), d.to(), d.deliveredBytes(), d.pendingBytes()))
                        .toList());
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    /** What a failover did, in the platform's terms. */
    static FailoverResult result(FailoverReport report) {
        return new FailoverResult(
                mode(report.requested()),
                mode(report.performed()),
                report.oldPrimary(),
                report.newPrimary(),
                report.startedAt(),
                report.phases().stream()
                        .map(p -> new FailoverResult.Phase(p.name(), p.at().toMillis()))
                        .toList(),
                report.dataLossPossible(),
                report.fallbackReason(),
                report.reason());
    }

    static io.hadr.geodb.FailoverMode mode(FailoverMode mode) {
        return switch (mode) {
            case PLANNED -> io.hadr.geodb.FailoverMode.PLANNED;
            case FORCED -> io.hadr.geodb.FailoverMode.FORCED;
            case TRY_PLANNED -> io.hadr.geodb.FailoverMode.TRY_PLANNED;
        };
    }

    private static FailoverMode mode(io.hadr.geodb.FailoverMode mode) {
        return switch (mode) {
            case PLANNED -> FailoverMode.PLANNED;
            case FORCED -> FailoverMode.FORCED;
            case TRY_PLANNED -> FailoverMode.TRY_PLANNED;
        };
    }

    /** The word for an enum constant in status: {@code primary}, {@code running}, {@code async}. */
    static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
