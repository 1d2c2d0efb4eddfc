package io.hadr.geodb.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The operating-system account this JVM runs as; PostgreSQL refuses to run as root. */
public final class OsAccount {

    private static final OsAccount CURRENT = detect();

    private final int uid;

    private OsAccount(int uid) {
        this.uid = uid;
    }

    public static OsAccount current() {
        return CURRENT;
    }

    public boolean isRoot() {
        return uid == 0;
    }

    public int uid() {
        return uid;
    }

    private static OsAccount detect() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    // "Uid: real effective saved fs": the effective uid decides what we may do.
                    String[] parts = line.substring(4).trim().split("\\s+");
                    return new OsAccount(Integer.parseInt(parts[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc is not mounted: fall back to the account name.
        }
        return new OsAccount("root".equals(System.getProperty("user.name")) ? 0 : 1000);
    }
}
