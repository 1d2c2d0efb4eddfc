package io.hadr.geodb;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The application's database and its login (not the administrator's), created on the primary
 * when the group is created and replicated like everything else.
 *
 * @param name the database, a lower-case SQL identifier, not a system database (default {@code hadr})
 * @param user its owner and the application's login, not {@code postgres} or {@code pg_*} (default {@code hadr})
 * @param password 1–100 printable characters, checked with SCRAM-SHA-256 over loopback TCP; never printed
 */
public record AppDatabase(String name, String user, String password) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public static final AppDatabase DEFAULT = new AppDatabase("hadr", "hadr", "hadr");

    public AppDatabase {
        requireIdentifier("databaseName", name);
        if (name.equals("postgres") || name.startsWith("template")) {
            throw new IllegalArgumentException("databaseName must not be a system database, but was '" + name + "'");
        }
        requireIdentifier("user", user);
        if (user.equals("postgres") || user.startsWith("pg_")) {
            throw new IllegalArgumentException(
                    "user must not be 'postgres' or start with 'pg_' (reserved for the administrator), but was '" + user
                            + "'");
        }
        Objects.requireNonNull(password, "password must not be null");
        boolean control = password.chars().anyMatch(c -> c < 32 || c == 127);
        if (password.isEmpty() || password.length() > 100 || control) {
            throw new IllegalArgumentException("password must be 1 to 100 printable characters, but had length "
                    + password.length() + (control ? " and control characters" : ""));
        }
    }

    public AppDatabase withName(String name) {
        return new AppDatabase(name, user, password);
    }

    public AppDatabase withUser(String user) {
        return new AppDatabase(name, user, password);
    }

    public AppDatabase withPassword(String password) {
        return new AppDatabase(name, user, password);
    }

    private static void requireIdentifier(String what, String value) {
        Objects.requireNonNull(value, what + " must not be null");
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what + " must be a lower-case SQL identifier (letters, digits, '_'), " + "but was '" + value + "'");
        }
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "AppDatabase[name=" + name + ", user=" + user + ", password=(hidden)]";
    }
}
