package io.hadr.local;

import io.hadr.toolkit.Hashes;
import io.hadr.core.topology.DatabaseSpec;
import io.hadr.core.topology.Topology;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.GeoDbStatus;
import io.hadr.geodb.PostgresBinaries;
import io.hadr.geodb.ReadWriteEndpoint;
import io.hadr.geodb.ReplicationMode;
import io.hadr.geodb.ServerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a topology onto the geo-replicated database's own configuration (one server per region,
 * named by region id; listener ports after the servers'), and its status back into the shape
 * {@code hadr status --json} promises.
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
        GeoDbConfig.Builder builder = GeoDbConfig.custom()
                .dataRoot(dataRoot(stateDir))
                .server(topology.primary().id(), base == 0 ? 0 : base)
                .server(topology.secondary().id(), base == 0 ? 0 : base + 1)
                .initialPrimary(topology.primary().id())
                .readWriteListenerPort(base == 0 ? 0 : base + 2)
                .readOnlyListenerPort(base == 0 ? 0 : base + 3)
                .replicationMode(spec.replication() == io.hadr.core.topology.ReplicationMode.SYNC
                        ? ReplicationMode.SYNC : ReplicationMode.ASYNC)
                .databaseName(spec.name())
                .user(APP_USER)
                .password(appPassword(stateDir))
                // Sized by the topology, whose validation made sure every app's pool fits; the
                // sessions of hadr and operators are reserved so the pools can never take them.
                .maxConnections(spec.maxConnections())
                .reservedConnections(topology.connectionBudget().reservedConnections())
                .binaries(binaries);
        if (spec.failoverPolicy() == io.hadr.core.topology.FailoverPolicy.AUTOMATIC) {
            builder.readWriteEndpoint(ReadWriteEndpoint.automatic(spec.gracePeriod()));
        }
        return builder.build();
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
        if (!"root".equals(System.getProperty("user.name")) || reachableByOthers(stateDir.root())) {
            return inside;
        }
        String id = Hashes.sha256Hex(stateDir.root().toString()).substring(0, 16);
        Path outside = Path.of("/var/lib/hadr", id, "db");
        try {
            Files.createDirectories(outside);
            for (Path p = outside; p != null && !p.equals(Path.of("/var/lib")); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.createDirectories(stateDir.root());
            Files.writeString(stateDir.root().resolve("db-location"), outside + System.lineSeparator());
        } catch (IOException e) {
            throw new LocalEnvironmentException("PostgreSQL (running as nobody) cannot reach " + inside + " and " + outside
                    + " cannot be prepared (" + e.getMessage() + "); use a --state-dir outside private directories such as /root", e);
        }
        return outside;
    }

    private static boolean reachableByOthers(Path dir) {
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return true;
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
            throw new LocalEnvironmentException("cannot keep the database password in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The database part of {@code hadr status --json}. */
    static Map<String, Object> status(GeoDbStatus status) {
        Map<String, Object> db = new LinkedHashMap<>();
        db.put("primary", status.primary());
        db.put("secondary", status.secondary());
        db.put("readWriteListener", status.readWriteListener().address());
        db.put("readWriteTarget", status.readWriteTarget());
        db.put("readOnlyListener", status.readOnlyListener().address());
        db.put("readOnlyTarget", status.readOnlyTarget());
        db.put("replication", status.replicationMode().name().toLowerCase(Locale.ROOT));
        db.put("synchronousCommit", status.synchronousCommit());
        db.put("replicationLagBytes", status.replicationLagBytes());
        db.put("replicationLagMs", status.replicationLagMillis());
        db.put("failoverPolicy", status.failoverPolicy().name().toLowerCase(Locale.ROOT));
        db.put("primaryUnreachableSince", status.primaryUnreachableSince() == null ? null : status.primaryUnreachableSince().toString());
        db.put("servers", status.servers().stream().map(Databases::server).toList());
        db.put("lastFailover", status.lastFailover() == null ? null : report(status.lastFailover()));
        return db;
    }

    private static Map<String, Object> server(ServerStatus server) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("region", server.name());
        map.put("role", server.role().name().toLowerCase(Locale.ROOT));
        map.put("state", server.state().name().toLowerCase(Locale.ROOT));
        map.put("port", server.port());
        map.put("pid", server.pid());
        map.put("timeline", server.timeline());
        map.put("currentLsn", server.currentLsn());
        map.put("replayLsn", server.replayLsn());
        map.put("streaming", server.streaming());
        map.put("log", server.logFile() == null ? null : server.logFile().toString());
        map.put("error", server.error());
        return map;
    }

    static Map<String, Object> report(FailoverReport report) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("requested", report.requested().name().toLowerCase(Locale.ROOT));
        map.put("performed", report.performed().name().toLowerCase(Locale.ROOT));
        map.put("oldPrimary", report.oldPrimary());
        map.put("newPrimary", report.newPrimary());
        map.put("startedAt", report.startedAt().toString());
        map.put("phases", report.phases().stream().map(p -> Map.of("name", p.name(), "atMs", p.at().toMillis())).toList());
        map.put("summary", report.summary());
        map.put("dataLossPossible", report.dataLossPossible());
        map.put("fallbackReason", report.fallbackReason());
        map.put("reason", report.reason());
        return map;
    }
}
