package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.toolkit.ProcessLauncher;
import io.hadr.toolkit.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.stream.Stream;

/**
 * The account PostgreSQL processes run under. When the JVM is root it is an unprivileged account
 * (PostgreSQL refuses root: "root execution of the PostgreSQL server is not permitted"): every
 * command is prefixed with {@code setpriv --reuid --regid --clear-groups}, and the data
 * directories are handed to that account. Otherwise processes run as the JVM's own user.
 */
public final class PgAccount {

    private final boolean switchUser;
    private final String user;
    private final String group;

    private PgAccount(boolean switchUser, String user, String group) {
        this.switchUser = switchUser;
        this.user = user;
        this.group = group;
    }

    /**
     * The account for this JVM: {@code unprivilegedUser} when running as root, else the JVM's user.
     */
    public static PgAccount forCurrentProcess(String unprivilegedUser) {
        boolean setpriv = ProcessLauncher.onPath("setpriv").isPresent();
        if (!OsAccount.current().isRoot()) {
            return new PgAccount(false, System.getProperty("user.name"), null);
        }
        if (!setpriv) {
            throw new GeoDbException("hadr runs as root, and PostgreSQL must then run as '" + unprivilegedUser
                    + "' through setpriv (util-linux), which is not on the PATH; install util-linux or run hadr as an "
                    + "ordinary user");
        }
        String group = primaryGroupOf(unprivilegedUser);
        return new PgAccount(true, unprivilegedUser, group);
    }

    /** Whether processes are started under another account than the JVM's. */
    public boolean switchesUser() {
        return switchUser;
    }

    public String user() {
        return user;
    }

    /** The account as the toolkit's launcher takes it. */
    public RunAs runAs() {
        return switchUser ? RunAs.user(user, group) : RunAs.SELF;
    }

    /** Gives {@code path} and everything below it to this account (no-op when not switching). */
    public void own(Path path) {
        if (!switchUser) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            GroupPrincipal ownerGroup = lookup.lookupPrincipalByGroupName(group);
            try (Stream<Path> walk = Files.walk(path)) {
                walk.forEach(p -> {
                    try {
                        PosixFileAttributeView view =
                                Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                        view.setOwner(owner);
                        view.setGroup(ownerGroup);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } catch (IOException | UncheckedIOException e) {
            throw new GeoDbException(
                    "cannot give " + path + " to the account '" + user + "' that runs PostgreSQL: " + e, e);
        }
    }

    /**
     * Checks that this account can reach {@code dir}: every ancestor must be searchable by it.
     * A state directory under {@code /root} is not, and PostgreSQL would fail with a less clear
     * "permission denied" later.
     */
    public void checkCanReach(Path dir) {
        if (!switchUser) {
            return;
        }
        Path absolute = dir.toAbsolutePath().normalize();
        Path current = absolute.getRoot();
        for (Path part : absolute) {
            current = current.resolve(part);
            if (!Files.exists(current)) {
                return;
            }
            try {
                PosixFileAttributes attrs = Files.readAttributes(current, PosixFileAttributes.class);
                if (attrs.isDirectory() && !searchable(attrs)) {
                    throw new GeoDbException(String.format(
                            "hadr runs as root, so PostgreSQL runs as '%s', which cannot reach %s because %s "
                                    + "(owner %s, mode %s) is not searchable by it; choose a directory outside it "
                                    + "(for example under /var/tmp or /srv), or allow it with: chmod o+x %s",
                            user,
                            absolute,
                            current,
                            attrs.owner().getName(),
                            java.nio.file.attribute.PosixFilePermissions.toString(attrs.permissions()),
                            current));
                }
            } catch (IOException e) {
                throw new GeoDbException("cannot check the permissions of " + current + ": " + e, e);
            }
        }
    }

    private boolean searchable(PosixFileAttributes attrs) {
        if (attrs.owner().getName().equals(user)) {
            return attrs.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
        }
        if (attrs.group().getName().equals(group)) {
            return attrs.permissions().contains(PosixFilePermission.GROUP_EXECUTE);
        }
        return attrs.permissions().contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static String primaryGroupOf(String user) {
        try {
            Process p = new ProcessBuilder("id", "-gn", user)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new GeoDbException("hadr runs as root and must start PostgreSQL as the unprivileged account '"
                        + user + "', which does not exist (id -gn " + user + ": " + out + "); create it or configure "
                        + "another unprivilegedUser");
            }
            return out;
        } catch (IOException e) {
            throw new GeoDbException("cannot look up the account '" + user + "': " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GeoDbException("interrupted while looking up the account '" + user + "'", e);
        }
    }
}
