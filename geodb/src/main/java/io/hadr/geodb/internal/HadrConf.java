package io.hadr.geodb.internal;

import io.hadr.geodb.ConnectionLimits;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of a server's {@code hadr.conf}: what every server gets, what its role adds, and the
 * caller's extra settings. {@code postgresql.conf} includes it; hadr rewrites it on every role
 * change. Settings for WAL archiving belong here too, next to the replication ones.
 */
public final class HadrConf {

    /** The file name in the data directory. */
    public static final String FILE = "hadr.conf";

    /** Settings every server gets; sized for a 2-core machine. */
    private static final Map<String, String> BASE_SETTINGS = orderedMap(
            "listen_addresses", "127.0.0.1",
            // No Unix socket: PostgreSQL is reached over loopback TCP only, and a socket in /tmp
            // would collide between groups.
            "unix_socket_directories", "",
            "shared_buffers", "32MB",
            "wal_level", "replica",
            "hot_standby", "on",
            "hot_standby_feedback", "on",
            "max_wal_senders", "5",
            "max_replication_slots", "5",
            "wal_keep_size", "64MB",
            "wal_log_hints", "on",
            "wal_receiver_status_interval", "1s",
            "wal_sender_timeout", "10s",
            "wal_receiver_timeout", "10s",
            "wal_retrieve_retry_interval", "1s",
            "max_wal_size", "256MB",
            "min_wal_size", "64MB",
            "password_encryption", "scram-sha-256",
            "logging_collector", "off",
            "log_line_prefix", "%m [%p] %q%a ",
            // Point-in-time restore and RPO are judged by commit times: keep each transaction's,
            // so that anyone can see which commits a restore to a time must hold
            // (pg_xact_commit_timestamp(xmin)).
            "track_commit_timestamp", "on");

    private final String server;
    private final int port;
    private final ConnectionLimits connections;
    private final Map<String, String> extraSettings;
    private final String adminPassword;

    public HadrConf(
            String server,
            int port,
            ConnectionLimits connections,
            Map<String, String> extraSettings,
            String adminPassword) {
        this.server = server;
        this.port = port;
        this.connections = connections;
        this.extraSettings = extraSettings;
        this.adminPassword = adminPassword;
    }

    /** The file's text for the given role, without WAL archiving. */
    public String text(RoleSettings role) {
        return text(role, WalArchiving.OFF, null);
    }

    /**
     * The file's text for the given role.
     *
     * @param archiving where the server archives its WAL, or {@link WalArchiving#OFF}
     * @param recovery the settings of an archive recovery (a restore), or null
     */
    public String text(RoleSettings role, WalArchiving archiving, RecoverySettings recovery) {
        StringBuilder conf = new StringBuilder(
                "# Written by hadr geodb for server '" + server + "'; rewritten on every role change, do not edit.\n");
        BASE_SETTINGS.forEach((name, value) -> setting(conf, name, value));
        setting(conf, "port", Integer.toString(port));
        // Names the server in `ps` and to clients (current_setting('cluster_name')), so an app can
        // tell which region's server its connection leads to.
        setting(conf, "cluster_name", server);
        setting(conf, "max_connections", Integer.toString(connections.maxConnections()));
        // hadr's own sessions and an operator's must get in when the apps' pools hold every other slot.
        setting(conf, "superuser_reserved_connections", Integer.toString(connections.reservedConnections()));
        extraSettings.forEach((name, value) -> setting(conf, name, value));
        if (archiving.on()) {
            // Standbys archive too: the WAL they received is in their region's store even when the
            // primary that wrote it is gone before archiving it.
            setting(conf, "archive_mode", "always");
            setting(conf, "archive_command", archiving.archiveCommand());
            setting(
                    conf,
                    "archive_timeout",
                    Long.toString(Math.max(1, archiving.archiveTimeout().toSeconds())));
        } else {
            setting(conf, "archive_mode", "off");
        }
        if (recovery != null) {
            setting(conf, "restore_command", recovery.restoreCommand());
            recovery.target().forEach((name, value) -> setting(conf, name, value));
            setting(conf, "recovery_target_timeline", Integer.toString(recovery.timeline()));
            // Stop at the target and wait, so that hadr reads the point reached before it promotes.
            setting(conf, "recovery_target_action", "pause");
        }
        if (role.standby()) {
            setting(
                    conf,
                    "primary_conninfo",
                    "host=127.0.0.1 port=" + role.upstreamPort() + " user="
                            + AdminSql.ADMIN_USER + " password=" + adminPassword + " application_name=" + server
                            + " connect_timeout=5");
            setting(conf, "primary_slot_name", role.slotName());
            // Follow a promotion of the primary onto its new timeline.
            setting(conf, "recovery_target_timeline", "latest");
        } else {
            setting(
                    conf,
                    "synchronous_standby_names",
                    role.synchronousStandby() == null ? "" : "\"" + role.synchronousStandby() + "\"");
            if (role.readOnly()) {
                setting(conf, "default_transaction_read_only", "on");
            }
        }
        return conf.toString();
    }

    private static void setting(StringBuilder conf, String name, String value) {
        conf.append(name).append(" = '").append(value.replace("'", "''")).append("'\n");
    }

    private static Map<String, String> orderedMap(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
