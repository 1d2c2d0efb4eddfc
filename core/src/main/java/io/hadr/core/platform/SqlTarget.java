package io.hadr.core.platform;

/**
 * Where a SQL statement runs.
 *
 * @param kind through the read-write listener, on a named server, or on a restored server
 * @param name the server or restore name; null for the listener
 */
public record SqlTarget(Kind kind, String name) {

    public enum Kind {
        READ_WRITE_LISTENER,
        SERVER,
        RESTORE
    }

    public SqlTarget {
        if ((kind == Kind.READ_WRITE_LISTENER) != (name == null)) {
            throw new IllegalArgumentException(
                    kind == Kind.READ_WRITE_LISTENER
                            ? "the read-write listener takes no name"
                            : "a " + kind + " target needs a name");
        }
    }

    /** The current primary, through the read-write listener (what the apps use). */
    public static SqlTarget readWriteListener() {
        return new SqlTarget(Kind.READ_WRITE_LISTENER, null);
    }

    public static SqlTarget server(String name) {
        return new SqlTarget(Kind.SERVER, name);
    }

    public static SqlTarget restore(String name) {
        return new SqlTarget(Kind.RESTORE, name);
    }
}
