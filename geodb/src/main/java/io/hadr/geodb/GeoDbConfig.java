package io.hadr.geodb;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Immutable configuration of a {@link GeoDatabase}: the two servers, the failover group's
 * listeners and policy, the database the application uses and the PostgreSQL binaries.
 *
 * <p>Built with {@link #custom()}; every setter rejects a bad value at once with a message that
 * holds the value, and {@link Builder#build()} rejects contradictions. Nothing is clamped.
 *
 * <pre>{@code
 * GeoDbConfig config = GeoDbConfig.custom()
 *         .dataRoot(Path.of(".hadr/db"))
 *         .server("centralindia", 0)
 *         .server("southindia", 0)
 *         .initialPrimary("centralindia")
 *         .build();
 * }</pre>
 */
public final class GeoDbConfig {

    /** Azure SQL's minimum {@code failoverWithDataLossGracePeriodMinutes}. */
    public static final Duration AZURE_MINIMUM_GRACE_PERIOD = Duration.ofMinutes(60);

    private static final Pattern SERVER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
    /** Settings that hadr writes itself; letting callers override them would break the group. */
    private static final Set<String> MANAGED_SETTINGS = Set.of("port", "listen_addresses",
            "unix_socket_directories", "primary_conninfo", "primary_slot_name", "recovery_target_timeline",
            "synchronous_standby_names", "hot_standby", "wal_level", "logging_collector",
            "default_transaction_read_only", "max_connections", "cluster_name", "data_directory", "hba_file", "config_file");

    private final Path dataRoot;
    private final List<ServerSpec> servers;
    private final String initialPrimary;
    private final ReplicationMode replicationMode;
    private final FailoverPolicy failoverPolicy;
    private final Duration failoverGracePeriod;
    private final boolean nonAzureGracePeriodAllowed;
    private final int readWriteListenerPort;
    private final int readOnlyListenerPort;
    private final String databaseName;
    private final String user;
    private final String password;
    private final Duration plannedFailoverTimeout;
    private final Duration startupTimeout;
    private final Duration shutdownTimeout;
    private final Duration listenerHoldTimeout;
    private final Duration healthCheckInterval;
    private final int maxConnections;
    private final Map<String, String> settings;
    private final PostgresBinaries binaries;
    private final String unprivilegedUser;
    private final Clock clock;

    private GeoDbConfig(Builder b) {
        this.dataRoot = b.dataRoot;
        this.servers = List.copyOf(b.servers);
        this.initialPrimary = b.initialPrimary != null ? b.initialPrimary : b.servers.get(0).name();
        this.replicationMode = b.replicationMode;
        this.failoverPolicy = b.failoverPolicy;
        this.failoverGracePeriod = b.failoverGracePeriod != null ? b.failoverGracePeriod : AZURE_MINIMUM_GRACE_PERIOD;
        this.nonAzureGracePeriodAllowed = b.nonAzureGracePeriodAllowed;
        this.readWriteListenerPort = b.readWriteListenerPort;
        this.readOnlyListenerPort = b.readOnlyListenerPort;
        this.databaseName = b.databaseName;
        this.user = b.user;
        this.password = b.password;
        this.plannedFailoverTimeout = b.plannedFailoverTimeout;
        this.startupTimeout = b.startupTimeout;
        this.shutdownTimeout = b.shutdownTimeout;
        this.listenerHoldTimeout = b.listenerHoldTimeout;
        this.healthCheckInterval = b.healthCheckInterval;
        this.maxConnections = b.maxConnections;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
        this.binaries = b.binaries != null ? b.binaries : PostgresBinaries.bundled();
        this.unprivilegedUser = b.unprivilegedUser;
        this.clock = b.clock;
    }

    /** Starts a builder with the defaults listed on each setter. */
    public static Builder custom() {
        return new Builder();
    }

    /** Directory holding the state file and one directory per server. */
    public Path dataRoot() {
        return dataRoot;
    }

    /** The two servers, in the order given. */
    public List<ServerSpec> servers() {
        return servers;
    }

    /** The server that is primary when the group is created (later the state file decides). */
    public String initialPrimary() {
        return initialPrimary;
    }

    public ReplicationMode replicationMode() {
        return replicationMode;
    }

    public FailoverPolicy failoverPolicy() {
        return failoverPolicy;
    }

    /** Primary outage after which an {@link FailoverPolicy#AUTOMATIC} group forces a failover. */
    public Duration failoverGracePeriod() {
        return failoverGracePeriod;
    }

    public boolean nonAzureGracePeriodAllowed() {
        return nonAzureGracePeriodAllowed;
    }

    /** Port of the read-write listener on 127.0.0.1; 0 means a free port chosen on first start. */
    public int readWriteListenerPort() {
        return readWriteListenerPort;
    }

    /** Port of the read-only listener on 127.0.0.1; 0 means a free port chosen on first start. */
    public int readOnlyListenerPort() {
        return readOnlyListenerPort;
    }

    public String databaseName() {
        return databaseName;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Deadline of a planned failover's synchronisation, after which it is refused (or forced). */
    public Duration plannedFailoverTimeout() {
        return plannedFailoverTimeout;
    }

    public Duration startupTimeout() {
        return startupTimeout;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** How long a new listener connection waits for a target while a failover moves it. */
    public Duration listenerHoldTimeout() {
        return listenerHoldTimeout;
    }

    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Extra {@code postgresql.conf} settings (e.g. {@code archive_mode}), written to every server. */
    public Map<String, String> settings() {
        return settings;
    }

    public PostgresBinaries binaries() {
        return binaries;
    }

    /** The account PostgreSQL runs under when the JVM runs as root. */
    public String unprivilegedUser() {
        return unprivilegedUser;
    }

    public Clock clock() {
        return clock;
    }

    /** Looks a server up by name. */
    public Optional<ServerSpec> server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * What in this configuration Azure SQL would not do, one sentence each; empty when the
     * group behaves like an Azure SQL failover group.
     */
    public List<String> nonAzureDeviations() {
        List<String> deviations = new ArrayList<>();
        if (failoverPolicy == FailoverPolicy.AUTOMATIC && failoverGracePeriod.compareTo(AZURE_MINIMUM_GRACE_PERIOD) < 0) {
            deviations.add("failoverGracePeriod " + failoverGracePeriod + " is below Azure's minimum of 60 minutes");
        }
        if (replicationMode == ReplicationMode.SYNC) {
            deviations.add("replicationMode SYNC: Azure SQL geo-replication is asynchronous");
        }
        return deviations;
    }

    @Override
    public String toString() {
        return "GeoDbConfig{dataRoot=" + dataRoot + ", servers=" + servers + ", initialPrimary=" + initialPrimary
                + ", replicationMode=" + replicationMode + ", failoverPolicy=" + failoverPolicy
                + (failoverPolicy == FailoverPolicy.AUTOMATIC ? ", failoverGracePeriod=" + failoverGracePeriod : "")
                + ", readWriteListenerPort=" + readWriteListenerPort + ", readOnlyListenerPort=" + readOnlyListenerPort
                + ", databaseName=" + databaseName + ", user=" + user + ", binaries=" + binaries + "}";
    }

    /** Validating builder of {@link GeoDbConfig}. */
    public static final class Builder {

        private Path dataRoot;
        private final List<ServerSpec> servers = new ArrayList<>();
        private String initialPrimary;
        private ReplicationMode replicationMode = ReplicationMode.ASYNC;
        private FailoverPolicy failoverPolicy = FailoverPolicy.MANUAL;
        private Duration failoverGracePeriod;
        private boolean nonAzureGracePeriodAllowed;
        private int readWriteListenerPort;
        private int readOnlyListenerPort;
        private String databaseName = "hadr";
        private String user = "hadr";
        private String password = "hadr";
        private Duration plannedFailoverTimeout = Duration.ofSeconds(30);
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration listenerHoldTimeout = Duration.ofSeconds(2);
        private Duration healthCheckInterval = Duration.ofSeconds(1);
        private int maxConnections = 50;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private PostgresBinaries binaries;
        private String unprivilegedUser = "nobody";
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Required. Holds {@code geodb-state.properties} and a directory per server. */
        public Builder dataRoot(Path dataRoot) {
            this.dataRoot = Objects.requireNonNull(dataRoot, "dataRoot must not be null").toAbsolutePath().normalize();
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
            requireServerName("server name", name);
            requirePort("port of server '" + name + "'", port);
            if (servers.stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("server names must be unique, but '" + name + "' was given twice");
            }
            servers.add(new ServerSpec(name, port));
            return this;
        }

        /** The server that is primary on first start. Default: the first server added. */
        public Builder initialPrimary(String name) {
            requireServerName("initialPrimary", name);
            this.initialPrimary = name;
            return this;
        }

        /** Default {@link ReplicationMode#ASYNC}, as Azure SQL geo-replication. */
        public Builder replicationMode(ReplicationMode mode) {
            this.replicationMode = Objects.requireNonNull(mode, "replicationMode must not be null");
            return this;
        }

        /** Default {@link FailoverPolicy#MANUAL}. */
        public Builder failoverPolicy(FailoverPolicy policy) {
            this.failoverPolicy = Objects.requireNonNull(policy, "failoverPolicy must not be null");
            return this;
        }

        /**
         * Primary outage after which an AUTOMATIC group forces a failover. Default 60 minutes, Azure's
         * minimum; shorter needs {@link #allowNonAzureGracePeriod(boolean)}. Only with AUTOMATIC.
         */
        public Builder failoverGracePeriod(Duration gracePeriod) {
            Objects.requireNonNull(gracePeriod, "failoverGracePeriod must not be null");
            if (gracePeriod.isNegative() || gracePeriod.isZero()) {
                throw new IllegalArgumentException("failoverGracePeriod must be positive, but was " + gracePeriod);
            }
            this.failoverGracePeriod = gracePeriod;
            return this;
        }

        /** Allows a grace period below Azure's 60 minutes; the group then reports itself as non-Azure. */
        public Builder allowNonAzureGracePeriod(boolean allow) {
            this.nonAzureGracePeriodAllowed = allow;
            return this;
        }

        /** Default 0: a free port, chosen on first start and kept in the state file. */
        public Builder readWriteListenerPort(int port) {
            requirePort("readWriteListenerPort", port);
            this.readWriteListenerPort = port;
            return this;
        }

        /** Default 0: a free port, chosen on first start and kept in the state file. */
        public Builder readOnlyListenerPort(int port) {
            requirePort("readOnlyListenerPort", port);
            this.readOnlyListenerPort = port;
            return this;
        }

        /** The application's database. Default {@code hadr}. */
        public Builder databaseName(String name) {
            requireIdentifier("databaseName", name);
            if (name.equals("postgres") || name.startsWith("template")) {
                throw new IllegalArgumentException("databaseName must not be a system database, but was '" + name + "'");
            }
            this.databaseName = name;
            return this;
        }

        /** The application's login, owner of the database. Default {@code hadr}. */
        public Builder user(String user) {
            requireIdentifier("user", user);
            if (user.equals("postgres") || user.startsWith("pg_")) {
                throw new IllegalArgumentException(
                        "user must not be 'postgres' or start with 'pg_' (reserved for the administrator), but was '"
                                + user + "'");
            }
            this.user = user;
            return this;
        }

        /** The application's password (SCRAM-SHA-256 over loopback TCP). Default {@code hadr}. */
        public Builder password(String password) {
            Objects.requireNonNull(password, "password must not be null");
            if (password.isEmpty() || password.length() > 100 || password.chars().anyMatch(c -> c < 32 || c == 127)) {
                throw new IllegalArgumentException(
                        "password must be 1 to 100 printable characters, but had length " + password.length()
                                + (password.chars().anyMatch(c -> c < 32 || c == 127) ? " and control characters" : ""));
            }
            this.password = password;
            return this;
        }

        /** Deadline for a planned failover to synchronise. Default 30 s. */
        public Builder plannedFailoverTimeout(Duration timeout) {
            this.plannedFailoverTimeout = requireBetween("plannedFailoverTimeout", timeout,
                    Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /** Deadline for a server to accept connections after it is started. Default 60 s. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = requireBetween("startupTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /** Deadline for a fast shutdown before the server is killed. Default 30 s. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = requireBetween("shutdownTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * How long a new listener connection waits while a failover moves the listener; after it,
         * or at once when there is no target, the connection is closed. Default 2 s; 0 refuses at once.
         */
        public Builder listenerHoldTimeout(Duration timeout) {
            this.listenerHoldTimeout = requireBetween("listenerHoldTimeout", timeout, Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /** How often the watcher checks the servers (process alive, primary reachable). Default 1 s. */
        public Builder healthCheckInterval(Duration interval) {
            this.healthCheckInterval = requireBetween("healthCheckInterval", interval,
                    Duration.ofMillis(50), Duration.ofMinutes(5));
            return this;
        }

        /** PostgreSQL {@code max_connections} of each server. Default 50 (a 2-core machine). */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 10 || maxConnections > 10_000) {
                throw new IllegalArgumentException("maxConnections must be between 10 and 10000, but was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * An extra {@code postgresql.conf} setting for every server, e.g. {@code archive_mode = on}.
         * Settings hadr manages itself (port, replication, listeners) are rejected.
         */
        public Builder setting(String name, String value) {
            Objects.requireNonNull(name, "setting name must not be null");
            Objects.requireNonNull(value, "value of setting '" + name + "' must not be null");
            if (!SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("setting name must match " + SETTING_NAME + ", but was '" + name + "'");
            }
            if (MANAGED_SETTINGS.contains(name)) {
                throw new IllegalArgumentException("setting '" + name + "' is managed by hadr and cannot be set, but was '"
                        + value + "'");
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("value of setting '" + name + "' must be one line, but was '" + value + "'");
            }
            settings.put(name, value);
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
            Objects.requireNonNull(user, "unprivilegedUser must not be null");
            if (!user.matches("[a-z_][a-z0-9_-]{0,31}") || user.equals("root")) {
                throw new IllegalArgumentException("unprivilegedUser must be a non-root account name, but was '" + user + "'");
            }
            this.unprivilegedUser = user;
            return this;
        }

        /** The clock of the failover policy and of events. Default the system clock (UTC). */
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
            if (servers.size() != 2) {
                throw new IllegalStateException("a failover group needs exactly 2 servers (a primary and a geo-secondary), "
                        + "but " + servers.size() + " were given: " + servers);
            }
            if (initialPrimary != null && servers.stream().noneMatch(s -> s.name().equals(initialPrimary))) {
                throw new IllegalStateException("initialPrimary must be one of the servers " + names()
                        + ", but was '" + initialPrimary + "'");
            }
            if (failoverGracePeriod != null && failoverPolicy != FailoverPolicy.AUTOMATIC) {
                throw new IllegalStateException("failoverGracePeriod " + failoverGracePeriod
                        + " applies only to failoverPolicy AUTOMATIC, but the policy is " + failoverPolicy);
            }
            Duration grace = failoverGracePeriod != null ? failoverGracePeriod : AZURE_MINIMUM_GRACE_PERIOD;
            if (failoverPolicy == FailoverPolicy.AUTOMATIC && grace.compareTo(AZURE_MINIMUM_GRACE_PERIOD) < 0
                    && !nonAzureGracePeriodAllowed) {
                throw new IllegalStateException("failoverGracePeriod must be at least " + AZURE_MINIMUM_GRACE_PERIOD
                        + " (Azure's minimum) unless allowNonAzureGracePeriod(true) is set, but was " + grace);
            }
            Set<Integer> ports = new HashSet<>();
            for (ServerSpec s : servers) {
                requireUniquePort(ports, s.port(), "server '" + s.name() + "'");
            }
            requireUniquePort(ports, readWriteListenerPort, "readWriteListenerPort");
            requireUniquePort(ports, readOnlyListenerPort, "readOnlyListenerPort");
            return new GeoDbConfig(this);
        }

        private List<String> names() {
            return servers.stream().map(ServerSpec::name).toList();
        }

        private static void requireUniquePort(Set<Integer> ports, int port, String what) {
            if (port != 0 && !ports.add(port)) {
                throw new IllegalStateException("ports must be distinct, but " + what + " uses port " + port
                        + " which another server or listener uses too");
            }
        }

        private static void requireServerName(String what, String name) {
            Objects.requireNonNull(name, what + " must not be null");
            if (!SERVER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(what + " must be lower-case letters, digits and '-', starting with a "
                        + "letter, at most 40 characters, but was '" + name + "'");
            }
        }

        private static void requireIdentifier(String what, String value) {
            Objects.requireNonNull(value, what + " must not be null");
            if (!IDENTIFIER.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " must be a lower-case SQL identifier (letters, digits, '_'), "
                        + "but was '" + value + "'");
            }
        }

        private static void requirePort(String what, int port) {
            if (port != 0 && (port < 1024 || port > 65535)) {
                throw new IllegalArgumentException(what + " must be 0 (any free port) or between 1024 and 65535, but was "
                        + port);
            }
        }

        private static Duration requireBetween(String what, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, what + " must not be null");
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
            }
            return value;
        }
    }
}
