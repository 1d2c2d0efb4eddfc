package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * The two commands PostgreSQL runs for backups, as small POSIX shell scripts that hadr writes
 * next to the stores. PostgreSQL runs them as its own unprivileged account, with only what every
 * Debian and Ubuntu system has ({@code sh}, {@code dd}, {@code cmp}, {@code ln}, {@code sync},
 * {@code gzip}); the bundled PostgreSQL has no {@code pg_receivewal} or {@code pgbackrest}.
 *
 * <ul>
 *   <li>{@code archive-wal.sh} is {@code archive_command}: it copies a WAL file to the store
 *       under a temporary name with {@code dd conv=fsync}, links it to its real name (a link
 *       fails if the name exists, so no two writers can replace each other's file), flushes the
 *       directory, and only then answers 0, so PostgreSQL never recycles a segment that is not
 *       on disk in the store. A file of that name that is already there is compared: the same
 *       content is success (a retry after a crash), other content is refused with a message in
 *       the server log and exit status 1, and PostgreSQL keeps the WAL and retries.</li>
 *   <li>{@code restore-wal.sh} is {@code restore_command} of restored servers: it copies (or
 *       decompresses) a file from the first store directory that has it; exit 1 when none has.</li>
 * </ul>
 */
public final class ArchiveScripts {

    public static final String ARCHIVE = "archive-wal.sh";
    public static final String RESTORE = "restore-wal.sh";
    /** Characters a path may have to be written into a shell command unquoted-safely. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/._+@:=,-]+");

    private static final String ARCHIVE_TEXT = """
            #!/bin/sh
            # Written by hadr geodb; rewritten at every start. PostgreSQL's archive_command: stores one WAL
            # file in a backup store, on disk (file and directory fsynced) before it answers success, and
            # never replaces a file of the same name that holds other content (it fails loudly instead;
            # PostgreSQL keeps the WAL and retries).
            # Usage: archive-wal.sh <path of the file> <file name> <store's WAL directory>
            src=$1
            name=$2
            dir=$3
            refuse() {
                echo "hadr archive: REFUSED to archive $src: $1 already exists in the backup store with other content; it is never overwritten. Compare the two and move the wrong one away; archiving resumes by itself." >&2
                exit 1
            }
            if [ ! -d "$dir" ]; then
                echo "hadr archive: the backup store directory $dir does not exist" >&2
                exit 1
            fi
            if [ -e "$dir/$name.gz" ]; then
                # Compressed by hadr since it was archived: compare the content.
                if gzip -dc "$dir/$name.gz" | cmp -s - "$src"; then exit 0; fi
                refuse "$dir/$name.gz"
            fi
            if [ -e "$dir/$name" ]; then
                cmp -s "$dir/$name" "$src"
                case $? in
                    0) exit 0 ;;
                    1) refuse "$dir/$name" ;;
                    *) [ -e "$dir/$name.gz" ] && exec "$0" "$@"   # compressed meanwhile: compare again
                       echo "hadr archive: cannot compare $src with $dir/$name" >&2; exit 1 ;;
                esac
            fi
            tmp="$dir/.$name.$$.tmp"
            if ! dd if="$src" of="$tmp" bs=1M conv=fsync status=none; then
                rm -f "$tmp"
                echo "hadr archive: cannot copy $src to $tmp" >&2
                exit 1
            fi
            if ! ln "$tmp" "$dir/$name" 2>/dev/null; then
                rm -f "$tmp"
                # Another archiver got there first: accept only the same content.
                if cmp -s "$dir/$name" "$src"; then sync "$dir"; exit 0; fi
                refuse "$dir/$name"
            fi
            rm -f "$tmp"
            if ! sync "$dir"; then
                echo "hadr archive: cannot flush the directory $dir" >&2
                exit 1
            fi
            exit 0
            """;

    private static final String RESTORE_TEXT = """
            #!/bin/sh
            # Written by hadr geodb; rewritten at every start. restore_command of restored servers: copies
            # one archived file from the first store directory that has it to where PostgreSQL asks.
            # Exit 1 (not found) when none has it, which ends the replay of the archive.
            # Usage: restore-wal.sh <file name> <destination path> <store's WAL directory>...
            name=$1
            dest=$2
            shift 2
            for dir in "$@"; do
                if [ -f "$dir/$name" ] && cp "$dir/$name" "$dest" 2>/dev/null; then
                    exit 0
                fi
                # Not there, or compressed while it was being read: take the compressed copy.
                if [ -f "$dir/$name.gz" ]; then
                    if gzip -dc "$dir/$name.gz" > "$dest"; then exit 0; fi
                    rm -f "$dest"
                    echo "hadr restore: $dir/$name.gz cannot be decompressed" >&2
                    exit 1
                fi
            done
            exit 1
            """;

    private final Path dir;

    private ArchiveScripts(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes both scripts into {@code dir} (readable and executable by every account: the
     * PostgreSQL account must run them; they hold no secret).
     */
    public static ArchiveScripts install(Path dir) {
        checkSafe(dir);
        try {
            Files.createDirectories(dir);
            write(dir.resolve(ARCHIVE), ARCHIVE_TEXT);
            write(dir.resolve(RESTORE), RESTORE_TEXT);
        } catch (IOException e) {
            throw new GeoDbException("cannot write the archive scripts into " + dir + ": " + e, e);
        }
        return new ArchiveScripts(dir);
    }

    private static void write(Path file, String text) throws IOException {
        Path temp = DurableFiles.temporaryFor(file);
        Files.writeString(temp, text);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code archive_command} storing into {@code walDir}. */
    public String archiveCommand(Path walDir) {
        checkSafe(walDir);
        return dir.resolve(ARCHIVE) + " %p %f " + walDir;
    }

    /**
     * {@code restore_command} reading from {@code walDirs}, in order. The common case, the file
     * uncompressed in the first directory, is a plain {@code cp} in the shell PostgreSQL starts;
     * only the rest goes through the script. A replay waits for every segment's command, and on
     * a busy machine starting one shell fewer per 16 MiB segment is a measurable part of a
     * restore (see bench/backup).
     */
    public String restoreCommand(Path... walDirs) {
        StringBuilder command = new StringBuilder();
        if (walDirs.length > 0) {
            checkSafe(walDirs[0]);
            // A cp that fails part-way leaves a partial file the script then overwrites.
            command.append("test -f ")
                    .append(walDirs[0])
                    .append("/%f && cp ")
                    .append(walDirs[0])
                    .append("/%f %p || ");
        }
        command.append(dir.resolve(RESTORE)).append(" %f %p");
        for (Path walDir : walDirs) {
            checkSafe(walDir);
            command.append(' ').append(walDir);
        }
        return command.toString();
    }

    /**
     * The commands are run by {@code sh -c}: a path with spaces, quotes or {@code $} would be
     * split or expanded. Such a path is refused with the reason rather than quoted half-right.
     */
    static void checkSafe(Path path) {
        if (!SAFE_PATH.matcher(path.toString()).matches()) {
            throw new GeoDbException("the backup store path " + path + " has characters a shell command cannot carry "
                    + "safely (only letters, digits and / . _ + @ : = , - are allowed); choose a data root or backup "
                    + "store without them");
        }
    }
}
