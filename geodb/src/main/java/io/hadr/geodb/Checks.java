package io.hadr.geodb;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** The range checks of the config records, with the value in every message. */
final class Checks {

    private static final Pattern SERVER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
    /** Settings that hadr writes itself; letting callers override them would break the group. */
    private static final Set<String> MANAGED_SETTINGS = Set.of(
            "port",
            "listen_addresses",
            "unix_socket_directories",
            "primary_conninfo",
            "primary_slot_name",
            "recovery_target_timeline",
            "synchronous_standby_names",
            "hot_standby",
            "wal_level",
            "logging_collector",
            "default_transaction_read_only",
            "max_connections",
            "superuser_reserved_connections",
            "cluster_name",
            "data_directory",
            "hba_file",
            "config_file",
            "archive_mode",
            "archive_command",
            "archive_timeout",
            "archive_library",
            "restore_command",
            "recovery_target",
            "recovery_target_time",
            "recovery_target_lsn",
            "recovery_target_name",
            "recovery_target_xid",
            "recovery_target_action",
            "recovery_target_inclusive",
            "track_commit_timestamp");

    private Checks() {}

    static void serverName(String what, String name) {
        Objects.requireNonNull(name, what + " must not be null");
        if (!SERVER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be lower-case letters, digits and '-', starting with a "
                    + "letter, at most 40 characters, but was '" + name + "'");
        }
    }

    static void uniquePort(Set<Integer> ports, int port, String what) {
        if (port != 0 && !ports.add(port)) {
            throw new IllegalArgumentException("ports must be distinct, but " + what + " uses port " + port
                    + " which another server or listener uses too");
        }
    }

    /** An extra postgresql.conf setting: a plain name, one line, not one hadr manages. */
    static void setting(String name, String value) {
        Objects.requireNonNull(name, "setting name must not be null");
        Objects.requireNonNull(value, "value of setting '" + name + "' must not be null");
        if (!SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name must match " + SETTING_NAME + ", but was '" + name + "'");
        }
        if (MANAGED_SETTINGS.contains(name)) {
            throw new IllegalArgumentException(
                    "setting '" + name + "' is managed by hadr and cannot be set, but was '" + value + "'");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(
                    "value of setting '" + name + "' must be one line, but was '" + value + "'");
        }
    }

    static Duration between(String what, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static int between(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    /** An account name PostgreSQL may run under: not root, which PostgreSQL refuses. */
    static String unprivilegedUser(String user) {
        Objects.requireNonNull(user, "unprivilegedUser must not be null");
        if (!user.matches("[a-z_][a-z0-9_-]{0,31}") || user.equals("root")) {
            throw new IllegalArgumentException(
                    "unprivilegedUser must be a non-root account name, but was '" + user + "'");
        }
        return user;
    }

    static int port(String what, int port) {
        if (port != 0 && (port < 1024 || port > 65535)) {
            throw new IllegalArgumentException(
                    what + " must be 0 (any free port) or between 1024 and 65535, but was " + port);
        }
        return port;
    }
}
