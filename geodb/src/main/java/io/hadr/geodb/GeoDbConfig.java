package io.hadr.geodb;

import io.hadr.geodb.backup.BackupSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable configuration of a {@link GeoDatabase}: settings grouped the way Azure groups a
 * failover group's: the partner servers, the read-write endpoint's failover policy, the
 * listeners, the application's database, timeouts, health checks, self-healing, connection
 * limits and backups, each a record that validates itself.
 *
 * <p>Built with {@link #custom()}; every setter rejects a bad value at once with a message that
 * holds the value, and {@link Builder#build()} rejects contradictions. Nothing is clamped. Whether
 * a setting is one Azure would accept is not checked here: the topology reports that. The
 * record's {@code toString} holds every setting (the password hidden by {@link AppDatabase}).
 *
 * <pre>{@code
 * GeoDbConfig config = GeoDbConfig.custom()
 *         .dataRoot(Path.of(".hadr/db"))
 *         .server("centralindia", 0)
 *         .server("southindia", 0)
 *         .initialPrimary("centralindia")
 *         .readWriteEndpoint(ReadWriteEndpoint.automatic(Duration.ofHours(1)))
 *         .build();
 * }</pre>
 *
 * @param dataRoot directory holding the state file and one directory per server
 * @param partnerServers the two servers and the one that is primary when the group is created
 * @param replicationMode how the primary ships its WAL
 * @param readWriteEndpoint the failover policy: manual, or automatic with a grace period
 * @param listeners the read-write and read-only listeners
 * @param database the application's database and login
 * @param timeouts deadlines of failovers, starts and stops
 * @param healthChecks how often and how patiently the watcher checks the servers
 * @param selfHealing restarting crashed servers
 * @param connections {@code max_connections} and the administrator's reserved share
 * @param settings extra {@code postgresql.conf} settings (e.g. {@code work_mem}), written to every server
 * @param backups continuous backups and point-in-time restore: on by default
 * @param binaries where PostgreSQL comes from
 * @param unprivilegedUser the account PostgreSQL runs under when the JVM runs as root
 * @param clock the clock of the failover policy, self-healing and events
 * @param linkLatency the inter-region link's one-way latency when the group starts (see {@link RegionLink})
 */
public record GeoDbConfig(
        Path dataRoot,
        PartnerServers partnerServers,
        ReplicationMode replicationMode,
        ReadWriteEndpoint readWriteEndpoint,
        ListenerSettings listeners,
        AppDatabase database,
        Timeouts timeouts,
        HealthChecks healthChecks,
        SelfHealing selfHealing,
        ConnectionLimits connections,
        Map<String, String> settings,
        BackupSettings backups,
        PostgresBinaries binaries,
        String unprivilegedUser,
        Clock clock,
        Duration linkLatency) {

    /** Checks each setting; prefer {@link #custom()}, which also fills in the defaults. */
    public GeoDbConfig {
        Objects.requireNonNull(dataRoot, "dataRoot must not be null");
        Objects.requireNonNull(partnerServers, "partnerServers must not be null");
        Objects.requireNonNull(replicationMode, "replicationMode must not be null");
        Objects.requireNonNull(readWriteEndpoint, "readWriteEndpoint must not be null");
        Objects.requireNonNull(listeners, "listeners must not be null");
        Objects.requireNonNull(database, "database must not be null");
        Objects.requireNonNull(timeouts, "timeouts must not be null");
        Objects.requireNonNull(healthChecks, "healthChecks must not be null");
        Objects.requireNonNull(selfHealing, "selfHealing must not be null");
        Objects.requireNonNull(connections, "connections must not be null");
        Objects.requireNonNull(settings, "settings must not be null").forEach(Checks::setting);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        Objects.requireNonNull(backups, "backups must not be null");
        Objects.requireNonNull(binaries, "binaries must not be null");
        Checks.unprivilegedUser(unprivilegedUser);
        Objects.requireNonNull(clock, "clock must not be null");
        Checks.between("linkLatency", linkLatency, Duration.ZERO, RegionLink.MAX_LATENCY);
    }

    /** Starts a builder with the defaults listed on each setter. */
    public static Builder custom() {
        return new Builder();
    }

    /** The two servers, in the order given. */
    public List<ServerSpec> servers() {
        return partnerServers.servers();
    }

    /** Looks a server up by name. */
    public Optional<ServerSpec> server(String name) {
        return partnerServers.server(name);
    }

    /** The server that is primary when the group is created (later the state file decides). */
    public String initialPrimary() {
        return partnerServers.initialPrimary();
    }

    /** Shorthand for {@code readWriteEndpoint().failoverPolicy()}. */
    public FailoverPolicy failoverPolicy() {
        return readWriteEndpoint.failoverPolicy();
    }

    /** Shorthand for {@code database().name()}. */
    public String databaseName() {
        return database.name();
    }

    /** Validating builder of {@link GeoDbConfig}. */
    public static final class Builder {

        private Path dataRoot;
        private final List<ServerSpec> servers = new ArrayList<>();
        private String initialPrimary;
        private ReplicationMode replicationMode = ReplicationMode.ASYNC;
        private ReadWriteEndpoint readWriteEndpoint = ReadWriteEndpoint.manual();
        private ListenerSettings listeners = ListenerSettings.DEFAULT;
        private AppDatabase database = AppDatabase.DEFAULT;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private HealthChecks healthChecks = HealthChecks.DEFAULT;
        private SelfHealing selfHealing = SelfHealing.DEFAULT;
        private int maxConnections = ConnectionLimits.DEFAULT.maxConnections();
        private int reservedConnections = ConnectionLimits.DEFAULT.reservedConnections();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private BackupSettings backups = BackupSettings.DEFAULT;
        private PostgresBinaries binaries;
        private String unprivilegedUser = "nobody";
        private Clock clock = Clock.systemUTC();
        private Duration linkLatency = Duration.ZERO;

        private Builder() {}

        /** Required. Holds {@code geodb-state.properties} and a directory per server. */
        public Builder dataRoot(Path dataRoot) {
            this.dataRoot = Objects.requireNonNull(dataRoot, "dataRoot must not be null")
                    .toAbsolutePath()
                    .normalize();
            return this;
        }

        /**
         * Adds a server. Exactly two are required: a primary and its geo-secondary, as in an Azure
         * SQL failover group.
         *
         * @param name lower-case letters, digits and '-', starting with a letter, at most 40 characters
         * @param port 0 (pick a free port and remember it) or 1024–65535
         */
        public Builder server(String name, int port) {
            return server(name, port, 0, 0);
        }

        /**
         * Adds a server with the ports of its region's listener entries (see {@link ServerSpec}).
         *
         * @param readWriteListenerPort 0 (a free port, kept) or 1024–65535
         * @param readOnlyListenerPort 0 (a free port, kept) or 1024–65535
         */
        public Builder server(String name, int port, int readWriteListenerPort, int readOnlyListenerPort) {
            Checks.serverName("server name", name);
            ServerSpec spec = new ServerSpec(name, port, readWriteListenerPort, readOnlyListenerPort);
            if (servers.stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("server names must be unique, but '" + name + "' was given twice");
            }
            servers.add(spec);
            return this;
        }

        /** The server that is primary on first start. Default: the first server added. */
        public Builder initialPrimary(String name) {
            Checks.serverName("initialPrimary", name);
            this.initialPrimary = name;
            return this;
        }

        /** Default {@link ReplicationMode#ASYNC}, as Azure SQL geo-replication. */
        public Builder replicationMode(ReplicationMode mode) {
            this.replicationMode = Objects.requireNonNull(mode, "replicationMode must not be null");
            return this;
        }

        /** The failover policy. Default {@link ReadWriteEndpoint#manual()}. */
        public Builder readWriteEndpoint(ReadWriteEndpoint endpoint) {
            this.readWriteEndpoint = Objects.requireNonNull(endpoint, "readWriteEndpoint must not be null");
            return this;
        }

        /** Both listeners at once; see the single setters for the defaults. */
        public Builder listeners(ListenerSettings listeners) {
            this.listeners = Objects.requireNonNull(listeners, "listeners must not be null");
            return this;
        }

        /**
         * The port of the read-write listener's entry in the initial primary's region. Default 0:
         * a free port, chosen on first start and kept in the state file.
         */
        public Builder readWriteListenerPort(int port) {
            listeners = listeners.withReadWritePort(port);
            return this;
        }

        /** Like {@link #readWriteListenerPort(int)}, for the read-only listener. */
        public Builder readOnlyListenerPort(int port) {
            listeners = listeners.withReadOnlyPort(port);
            return this;
        }

        /**
         * How long a new listener connection waits while a failover moves the listener; then it is
         * released to the new primary or, after this time, closed. Default 5 s; 0 closes at once.
         */
        public Builder listenerHoldTimeout(Duration timeout) {
            listeners = listeners.withHoldTimeout(timeout);
            return this;
        }

        /** The application's database, login and password at once. */
        public Builder database(AppDatabase database) {
            this.database = Objects.requireNonNull(database, "database must not be null");
            return this;
        }

        /** The application's database. Default {@code hadr}. */
        public Builder databaseName(String name) {
            database = database.withName(name);
            return this;
        }

        /** The application's login, owner of the database. Default {@code hadr}. */
        public Builder user(String user) {
            database = database.withUser(user);
            return this;
        }

        /** The application's password (SCRAM-SHA-256 over loopback TCP). Default {@code hadr}. */
        public Builder password(String password) {
            database = database.withPassword(password);
            return this;
        }

        /** All deadlines at once. */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts must not be null");
            return this;
        }

        /** Deadline for a planned failover to synchronise. Default 30 s. */
        public Builder plannedFailoverTimeout(Duration timeout) {
            timeouts = timeouts.withPlannedFailover(timeout);
            return this;
        }

        /** Deadline for a server to accept connections after it is started. Default 60 s. */
        public Builder startupTimeout(Duration timeout) {
            timeouts = timeouts.withStartup(timeout);
            return this;
        }

        /** Deadline for a fast shutdown before the server is killed. Default 30 s. */
        public Builder shutdownTimeout(Duration timeout) {
            timeouts = timeouts.withShutdown(timeout);
            return this;
        }

        /** Health check interval and response timeout at once. */
        public Builder healthChecks(HealthChecks checks) {
            this.healthChecks = Objects.requireNonNull(checks, "healthChecks must not be null");
            return this;
        }

        /** How often the watcher checks the servers. Default 1 s. */
        public Builder healthCheckInterval(Duration interval) {
            healthChecks = healthChecks.withInterval(interval);
            return this;
        }

        /** A server not answering within this is unresponsive. Default 2 s, whole seconds. */
        public Builder responseTimeout(Duration timeout) {
            healthChecks = healthChecks.withResponseTimeout(timeout);
            return this;
        }

        /** Restarting crashed servers. Default {@link SelfHealing#DEFAULT}; {@link SelfHealing#off()} disables it. */
        public Builder selfHealing(SelfHealing selfHealing) {
            this.selfHealing = Objects.requireNonNull(selfHealing, "selfHealing must not be null");
            return this;
        }

        /** PostgreSQL {@code max_connections} of each server. Default 50. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = Checks.between("maxConnections", maxConnections, 10, 10_000);
            return this;
        }

        /** Of {@link #maxConnections}, those only the administrator may use. Default 10. */
        public Builder reservedConnections(int reservedConnections) {
            if (reservedConnections < 1) {
                throw new IllegalArgumentException(
                        "reservedConnections must be at least 1, but was " + reservedConnections);
            }
            this.reservedConnections = reservedConnections;
            return this;
        }

        /**
         * An extra {@code postgresql.conf} setting for every server, e.g. {@code work_mem = 8MB}.
         * Settings hadr manages itself (port, replication, listeners, connections) are rejected.
         */
        public Builder setting(String name, String value) {
            Checks.setting(name, value);
            settings.put(name, value);
            return this;
        }

        /**
         * Continuous backups (WAL archive, base backups, geo-copies, retention). Default
         * {@link BackupSettings#DEFAULT}: on, 7 days; {@link BackupSettings#off()} turns them off.
         */
        public Builder backups(BackupSettings backups) {
            this.backups = Objects.requireNonNull(backups, "backups must not be null");
            return this;
        }

        /** Where PostgreSQL comes from. Default {@link PostgresBinaries#bundled()}. */
        public Builder binaries(PostgresBinaries binaries) {
            this.binaries = Objects.requireNonNull(binaries, "binaries must not be null");
            return this;
        }

        /**
         * The account PostgreSQL runs under when the JVM runs as root (PostgreSQL refuses root).
         * Default {@code nobody}.
         */
        public Builder unprivilegedUser(String user) {
            this.unprivilegedUser = Checks.unprivilegedUser(user);
            return this;
        }

        /**
         * The one-way latency of the inter-region link that replication, seeding and every
         * cross-region listener connection go through; it can be changed while the group runs
         * ({@link GeoDatabase#link()}). Default 0 (the link is there, partitions work, nothing is
         * delayed).
         *
         * @param oneWay 0 to {@link RegionLink#MAX_LATENCY}
         */
        public Builder linkLatency(Duration oneWay) {
            this.linkLatency = Checks.between("linkLatency", oneWay, Duration.ZERO, RegionLink.MAX_LATENCY);
            return this;
        }

        /** The clock of the failover policy, self-healing and events. Default the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Checks the combination and builds the config.
         *
         * @throws IllegalStateException on a contradiction, naming both settings
         */
        public GeoDbConfig build() {
            if (dataRoot == null) {
                throw new IllegalStateException("dataRoot is required, but was not set");
            }
            PartnerServers partners;
            ConnectionLimits limits;
            try {
                partners = PartnerServers.withHomeListeners(servers, initialPrimary, listeners);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            try {
                limits = new ConnectionLimits(maxConnections, reservedConnections);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage() + " (maxConnections " + maxConnections + ")", e);
            }
            return new GeoDbConfig(
                    dataRoot,
                    partners,
                    replicationMode,
                    readWriteEndpoint,
                    listeners,
                    database,
                    timeouts,
                    healthChecks,
                    selfHealing,
                    limits,
                    settings,
                    backups,
                    binaries != null ? binaries : PostgresBinaries.bundled(),
                    unprivilegedUser,
                    clock,
                    linkLatency);
        }
    }
}
