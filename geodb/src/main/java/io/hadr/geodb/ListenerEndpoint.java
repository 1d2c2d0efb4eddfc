package io.hadr.geodb;

/**
 * Where a failover group listener accepts connections, like Azure's
 * {@code <fog>.database.windows.net} (read-write) and {@code <fog>.secondary.database.windows.net}
 * (read-only). The address never changes; the server behind it does.
 *
 * @param name {@code read-write} or {@code read-only}
 * @param host always {@code 127.0.0.1}
 * @param port the listener's port
 * @param database the application's database
 */
public record ListenerEndpoint(String name, String host, int port, String database) {

    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}: one connection string for every region. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@link #jdbcUrl()} followed by {@code ?parameters}, e.g. {@code "connectTimeout=3&readOnly=true"}. */
    public String jdbcUrl(String parameters) {
        return parameters == null || parameters.isEmpty() ? jdbcUrl() : jdbcUrl() + "?" + parameters;
    }
}
