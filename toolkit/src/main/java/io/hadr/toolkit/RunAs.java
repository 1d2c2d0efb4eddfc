package io.hadr.toolkit;

/**
 * The account a child process runs under: the JVM's own, or another one switched to with
 * util-linux's {@code setpriv --reuid --regid --clear-groups} (how hadr, run as root, starts
 * PostgreSQL, which refuses to run as root).
 *
 * @param user the account name, or null for the JVM's own account
 * @param group the account's primary group, or null for the JVM's own account
 */
public record RunAs(String user, String group) {

    /** The JVM's own account. */
    public static final RunAs SELF = new RunAs(null, null);

    public RunAs {
        if ((user == null) != (group == null)) {
            throw new IllegalArgumentException(
                    "give both user and group, or neither, but was user=" + user + ", group=" + group);
        }
    }

    public static RunAs user(String user, String group) {
        return new RunAs(user, group);
    }

    public boolean switchesUser() {
        return user != null;
    }
}
