package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.ServerRole;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

/**
 * The failover group's durable memory, {@code geodb-state.properties} in the data root: which
 * server is primary, every server's role and port, the listener ports and the administrator's
 * password. Written atomically (temporary file, then rename) after every role change, so a
 * restarted library resumes the same roles and never starts a fenced server as a primary.
 */
public final class StateFile {

    public static final String NAME = "geodb-state.properties";
    private static final int FORMAT = 1;

    private final Path file;
    private final Properties props;

    private StateFile(Path file, Properties props) {
        this.file = file;
        this.props = props;
    }

    /** Loads the file, or returns null when the data root has none yet. */
    public static StateFile load(Path dataRoot) {
        Path file = dataRoot.resolve(NAME);
        if (!Files.exists(file)) {
            return null;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new GeoDbException("cannot read the failover group state " + file + ": " + e, e);
        }
        String format = props.getProperty("format");
        if (!Integer.toString(FORMAT).equals(format)) {
            throw new GeoDbException(file + ": format must be " + FORMAT + ", but was " + format);
        }
        return new StateFile(file, props);
    }

    /** A new, empty state for {@code dataRoot} (saved only by {@link #save()}). */
    public static StateFile create(Path dataRoot) {
        Properties props = new Properties();
        props.setProperty("format", Integer.toString(FORMAT));
        props.setProperty("initialized", "false");
        return new StateFile(dataRoot.resolve(NAME), props);
    }

    public Path path() {
        return file;
    }

    public synchronized void save() {
        Path temp = file.resolveSibling(NAME + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                props.store(out, "hadr geodb failover group state; written by hadr, do not edit while it runs");
            }
            // Holds the administrator's password: readable by the JVM's user only.
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new GeoDbException("cannot write the failover group state " + file + ": " + e, e);
        }
    }

    public synchronized boolean initialized() {
        return Boolean.parseBoolean(props.getProperty("initialized"));
    }

    public synchronized void initialized(boolean value) {
        props.setProperty("initialized", Boolean.toString(value));
    }

    public synchronized String primary() {
        return props.getProperty("primary");
    }

    public synchronized void primary(String name) {
        props.setProperty("primary", name);
    }

    public synchronized String adminPassword() {
        return props.getProperty("adminPassword");
    }

    public synchronized void adminPassword(String password) {
        props.setProperty("adminPassword", password);
    }

    /**
     * The port of a listener's entry in a region, 0 when none was recorded.
     *
     * @param home whether {@code region} is the initial primary's: its entry takes the port
     *     recorded before listeners had one entry per region
     */
    public synchronized int listenerPort(String listener, String region, boolean home) {
        String port = props.getProperty("listener." + listener + "." + region + ".port");
        if (port == null && home) {
            port = props.getProperty("listener." + listener + ".port");
        }
        return port == null ? 0 : Integer.parseInt(port);
    }

    public synchronized void listenerPort(String listener, String region, int port) {
        props.setProperty("listener." + listener + "." + region + ".port", Integer.toString(port));
        props.remove("listener." + listener + ".port");
    }

    public synchronized Set<String> servers() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("server.") && key.endsWith(".role")) {
                names.add(key.substring("server.".length(), key.length() - ".role".length()));
            }
        }
        return names;
    }

    public synchronized int port(String server) {
        return Integer.parseInt(props.getProperty("server." + server + ".port", "0"));
    }

    public synchronized void port(String server, int port) {
        props.setProperty("server." + server + ".port", Integer.toString(port));
    }

    public synchronized ServerRole role(String server) {
        String role = props.getProperty("server." + server + ".role");
        try {
            return role == null ? null : ServerRole.valueOf(role);
        } catch (IllegalArgumentException e) {
            throw new GeoDbException(file + ": server." + server + ".role must be one of "
                    + java.util.Arrays.toString(ServerRole.values()) + ", but was '" + role + "'");
        }
    }

    public synchronized void role(String server, ServerRole role) {
        props.setProperty("server." + server + ".role", role.name());
    }
}
