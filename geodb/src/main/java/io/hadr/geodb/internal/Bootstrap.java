package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerSpec;
import io.hadr.toolkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the failover group on first use (initdb of the primary, the application's role and
 * database, a base backup for the secondary) and resumes it afterwards with the roles, ports and
 * data recorded in {@code geodb-state.properties}.
 */
public final class Bootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

    private final GeoDbConfig config;
    private final PgProcesses launcher;
    private final Events events;

    public Bootstrap(GeoDbConfig config, PgProcesses launcher, Events events) {
        this.config = config;
        this.launcher = launcher;
        this.events = events;
    }

    /** Checks the binaries and the data root, and loads (or creates) the group's state and servers. */
    public FailoverGroup load(Steps steps) {
        Path dataRoot = config.dataRoot();
        checkBinaries(config.binaries().binDir());
        steps.note("PostgreSQL binaries ready");
        createDataRoot(dataRoot);
        StateFile state = StateFile.load(dataRoot);
        if (state == null) {
            state = createState();
        } else {
            checkStateMatchesConfig(state);
        }
        FailoverGroup group = new FailoverGroup(state, events);
        for (ServerSpec spec : config.servers()) {
            if (spec.port() != 0) {
                state.port(spec.name(), spec.port());
            }
            PostgresServer server = new PostgresServer(
                    spec.name(),
                    dataRoot,
                    state.port(spec.name()),
                    launcher,
                    config.binaries().binDir(),
                    state.adminPassword(),
                    config.connections(),
                    config.settings(),
                    events);
            ServerRole role = state.role(spec.name());
            if (server.files().fencedMarker() && role != ServerRole.FENCED && role != ServerRole.RESEEDING) {
                // The marker is written before anything else in a forced failover: it wins.
                LOG.warn(
                        "Server '{}' has a FENCED marker but the state file says {}; treating it as fenced",
                        spec.name(),
                        role);
                role = ServerRole.FENCED;
            }
            group.add(server, role);
        }
        group.resumeRoles();
        return group;
    }

    /** Binds every listener entry on its remembered (or configured) port. */
    public void startListeners(FailoverGroup group, Listeners listeners, Steps steps) {
        StateFile state = group.stateFile();
        List<String> bound = new java.util.ArrayList<>();
        for (ServerSpec spec : config.servers()) {
            String region = spec.name();
            boolean home = region.equals(config.initialPrimary());
            TcpListener readWrite = listeners.readWrite().in(region);
            TcpListener readOnly = listeners.readOnly().in(region);
            readWrite.start(port(spec.readWriteListenerPort(), state.listenerPort(Listeners.READ_WRITE, region, home)));
            readOnly.start(port(spec.readOnlyListenerPort(), state.listenerPort(Listeners.READ_ONLY, region, home)));
            state.listenerPort(Listeners.READ_WRITE, region, readWrite.port());
            state.listenerPort(Listeners.READ_ONLY, region, readOnly.port());
            bound.add(region + " 127.0.0.1:" + readWrite.port() + " (read-write), 127.0.0.1:" + readOnly.port()
                    + " (read-only)");
        }
        state.save();
        steps.note("listeners: " + String.join("; ", bound));
    }

    /** Starts the primary (creating it the first time), then the secondary. */
    public void startServers(GroupContext context, Seeding seeding, Steps steps) {
        FailoverGroup group = context.group();
        boolean fresh = !group.stateFile().initialized();
        PostgresServer primary = group.primary();
        startPrimary(context, primary, steps);
        PostgresServer secondary = group.other(primary);
        startSecondary(context, seeding, secondary, primary, fresh, steps);
        LOG.info(
                "Failover group {}: primary '{}', secondary '{}'",
                fresh ? "created" : "resumed",
                primary.name(),
                secondary.name());
    }

    private void startPrimary(GroupContext context, PostgresServer primary, Steps steps) {
        StateFile state = context.group().stateFile();
        Duration startup = config.timeouts().startup();
        primary.files().prepareDirectories();
        if (!state.initialized()) {
            primary.initdb(startup);
            primary.writeConfig(RoleSettings.primary(null, false));
            primary.start(startup, "new primary");
            ensureApplicationDatabase(primary);
            state.initialized(true);
            state.save();
            steps.note("primary '" + primary.name() + "' created");
        } else if (!primary.files().hasData()) {
            throw new GeoDbException("the primary '" + primary.name() + "' has no data directory "
                    + primary.files().dataDir() + " although the group was created before; its data is gone. Restore "
                    + "it, or remove " + config.dataRoot() + " to create a new, empty group");
        } else if (primary.files().hasStandbySignal()) {
            // A failover was interrupted after the roles were saved but before the promotion.
            PostgresServer peer = context.group().other(primary);
            primary.writeConfig(context.standbyOf(primary, peer));
            primary.start(startup, "completing an interrupted failover");
            Promotion.promote(primary, startup);
            primary.writeConfig(RoleSettings.primary(null, false));
            Promotion.reloadQuietly(primary);
            ensureApplicationDatabase(primary);
            steps.note("primary '" + primary.name() + "' promoted (interrupted failover completed)");
        } else {
            primary.writeConfig(RoleSettings.primary(null, false));
            primary.start(startup, "resuming as primary");
            ensureApplicationDatabase(primary);
            steps.note("primary '" + primary.name() + "' resumed");
        }
        context.listeners().point(context.listeners().readWrite(), primary, "primary started");
    }

    private void startSecondary(
            GroupContext context,
            Seeding seeding,
            PostgresServer secondary,
            PostgresServer primary,
            boolean fresh,
            Steps steps) {
        secondary.files().prepareDirectories();
        ServerRole role = context.group().role(secondary);
        if (role == ServerRole.SECONDARY
                && secondary.files().hasData()
                && !secondary.files().fencedMarker()) {
            try {
                seeding.resumeStandby(secondary, primary);
                steps.note("secondary '" + secondary.name() + "' resumed streaming");
            } catch (GeoDbException e) {
                LOG.warn("Secondary '{}' cannot resume streaming ({}); reseeding it", secondary.name(), e.getMessage());
                seeding.reseed(secondary, primary, "could not resume streaming: " + e.getMessage());
                steps.note("secondary '" + secondary.name() + "' reseeded");
            }
        } else {
            seeding.reseed(secondary, primary, role == ServerRole.RESEEDING && fresh ? "initial seed" : "role " + role);
            steps.note("secondary '" + secondary.name() + "' seeded from a base backup");
        }
        context.listeners().point(context.listeners().readOnly(), secondary, "secondary streaming");
    }

    private void ensureApplicationDatabase(PostgresServer primary) {
        String user = config.database().user();
        String password = config.database().password().replace("'", "''");
        String database = config.database().name();
        try (Connection c = primary.sql().connect("postgres", 10);
                Statement s = c.createStatement()) {
            boolean roleExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + user + "'")) {
                roleExists = rs.next();
            }
            s.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + user + " LOGIN PASSWORD '" + password + "'");
            boolean databaseExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                databaseExists = rs.next();
            }
            if (!databaseExists) {
                s.execute("CREATE DATABASE " + database + " OWNER " + user);
            }
        } catch (SQLException e) {
            throw new GeoDbException(
                    "cannot create the application's role '" + user + "' and database '" + database + "' on '"
                            + primary.name() + "': " + e.getMessage(),
                    e);
        }
    }

    private StateFile createState() {
        StateFile created = StateFile.create(config.dataRoot());
        created.adminPassword(randomPassword());
        for (ServerSpec spec : config.servers()) {
            created.port(spec.name(), spec.port() != 0 ? spec.port() : FreePorts.pick());
            // The secondary does not exist yet: it is made by a base backup, like a reseed.
            created.role(
                    spec.name(),
                    spec.name().equals(config.initialPrimary()) ? ServerRole.PRIMARY : ServerRole.RESEEDING);
        }
        created.primary(config.initialPrimary());
        created.save();
        return created;
    }

    private void checkStateMatchesConfig(StateFile state) {
        Set<String> known = new TreeSet<>(state.servers());
        Set<String> configured = new TreeSet<>();
        config.servers().forEach(s -> configured.add(s.name()));
        if (!known.equals(configured)) {
            throw new GeoDbException(String.format(
                    "%s was created for the servers %s, but the configuration names %s; "
                            + "use the same server names, or another data root for a new group",
                    state.path(), known, configured));
        }
    }

    private static int port(int configured, int remembered) {
        return configured != 0 ? configured : remembered;
    }

    private void createDataRoot(Path dataRoot) {
        try {
            if (!Files.isDirectory(dataRoot)) {
                Files.createDirectories(dataRoot);
                // Traversable by the PostgreSQL account; the files in it protect themselves.
                Files.setPosixFilePermissions(dataRoot, PosixFilePermissions.fromString("rwx--x--x"));
            }
        } catch (IOException e) {
            throw new GeoDbException("cannot create the data root " + dataRoot + ": " + e, e);
        }
        launcher.account().checkCanReach(dataRoot);
    }

    private void checkBinaries(Path binDir) {
        PgAccount account = launcher.account();
        account.checkCanReach(binDir);
        try {
            String version = launcher.run(
                            List.of(binDir.resolve("postgres").toString(), "--version"), Duration.ofSeconds(30), null)
                    .trim();
            LOG.info("Using {} from {} (running as '{}')", version, binDir, account.user());
        } catch (GeoDbException e) {
            throw new GeoDbException(
                    "PostgreSQL in " + binDir + " cannot run as '" + account.user() + "': "
                            + e.getMessage()
                            + (account.switchesUser()
                                    ? "; the binaries must be readable and executable by that account (not under /root)"
                                    : ""),
                    e);
        }
    }

    private static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
