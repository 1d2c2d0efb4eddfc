package io.hadr.geodb;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link NoOrphansIT}: starts a group, prints the postmaster pids and
 * waits to be killed.
 */
public final class GeoDbChild {

    private GeoDbChild() {}

    public static void main(String[] args) throws Exception {
        GeoDbConfig config = GeoDbConfig.custom()
                .dataRoot(Path.of(args[0]))
                .server("centralindia", 0)
                .server("southindia", 0)
                .startupTimeout(Duration.ofSeconds(120))
                .build();
        GeoDatabase db = new GeoDatabase(config);
        db.start();
        StringBuilder line = new StringBuilder("PIDS");
        for (ServerStatus server : db.status().servers()) {
            line.append(' ').append(server.pid());
        }
        System.out.println(line);
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(10).toMillis());
    }
}
