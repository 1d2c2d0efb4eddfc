package io.hadr.local;

import io.hadr.toolkit.ProcessLauncher;
import io.hadr.toolkit.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account app JVMs run as, and where their jar and working directory are. As an ordinary user,
 * hadr runs apps as itself. As root, it runs them as {@code nobody}, like PostgreSQL: an app has no
 * business with root's powers, as an App Service instance has none over its host. That account
 * must reach the jar, so a jar below a private directory (e.g. {@code /root}) is copied to the
 * state directory's {@link SharedArea}. Logs need no access: hadr opens them and hands the app
 * the open file.
 *
 * @param runAs the account
 * @param appJar the jar to run, readable by that account
 * @param workingDirectory the JVM's working directory: the jar's, like App Service's site root
 */
record AppAccount(RunAs runAs, Path appJar, Path workingDirectory) {

    private static final Logger log = LoggerFactory.getLogger(AppAccount.class);

    /** The unprivileged account apps run as when hadr runs as root. */
    static final String UNPRIVILEGED_USER = "nobody";

    /** Picks the account for this process and makes {@code appJar} reachable by it. */
    static AppAccount prepare(StateDir stateDir, Path appJar) {
        Path jar = appJar.toAbsolutePath().normalize();
        if (!SharedArea.runningAsRoot()) {
            return new AppAccount(RunAs.SELF, jar, jar.getParent());
        }
        if (ProcessLauncher.onPath("setpriv").isEmpty()) {
            log.warn(
                    "hadr runs as root and setpriv (util-linux) is not on the PATH: apps run as root too; install util-linux"
                            + " to run them as '{}'",
                    UNPRIVILEGED_USER);
            return new AppAccount(RunAs.SELF, jar, jar.getParent());
        }
        RunAs account = RunAs.user(UNPRIVILEGED_USER, primaryGroup(UNPRIVILEGED_USER));
        Path reachable = readableByOthers(jar) ? jar : copyToSharedArea(stateDir, jar);
        return new AppAccount(account, reachable, reachable.getParent());
    }

    private static boolean readableByOthers(Path jar) {
        try {
            return SharedArea.reachableByOthers(jar)
                    && Files.getPosixFilePermissions(jar).contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Path copyToSharedArea(StateDir stateDir, Path jar) {
        Path dir = SharedArea.of(stateDir).resolve("app");
        Path target = dir.resolve(jar.getFileName());
        try {
            SharedArea.createReachable(dir);
            if (!Files.isRegularFile(target)
                    || Files.size(target) != Files.size(jar)
                    || Files.getLastModifiedTime(target).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                Path tmp = Files.createTempFile(dir, "hadr-app-", ".tmp");
                Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new LocalEnvironmentException(
                    "apps run as '" + UNPRIVILEGED_USER + "', which cannot read " + jar
                            + ", and copying it to " + dir + " failed (" + e.getMessage()
                            + "); use a --state-dir and app jar"
                            + " outside private directories such as /root",
                    e);
        }
    }

    private static String primaryGroup(String user) {
        try (ProcessLauncher launcher = new ProcessLauncher("account")) {
            return launcher.run(List.of("id", "-gn", user), RunAs.SELF, Duration.ofSeconds(10), null)
                    .trim();
        } catch (RuntimeException e) {
            throw new LocalEnvironmentException(
                    "hadr runs as root and runs apps as '" + user + "', which cannot be looked up (" + e.getMessage()
                            + "); create the account or run hadr as an ordinary user",
                    e);
        }
    }
}
