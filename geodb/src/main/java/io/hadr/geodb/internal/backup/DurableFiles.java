package io.hadr.geodb.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * File operations of the backup stores that must survive a crash: everything is written to a
 * temporary name, flushed to disk ({@code fsync}), then linked or renamed into place, and the
 * directory is flushed too, so a file either is there whole or is not there. A file is never
 * replaced by one with other content.
 */
public final class DurableFiles {

    /** What happened to a copy that must not overwrite. */
    public enum Outcome {
        /** The file was written. */
        COPIED,
        /** A file of that name with the same content was there already. */
        SAME,
        /** A file of that name with other content is there; nothing was written. */
        CONFLICT
    }

    private DurableFiles() {}

    /** Flushes a file's content and metadata to disk. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Flushes a directory, so that names created or removed in it are on disk. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** A hidden temporary name beside {@code target}, unique to this writer. */
    public static Path temporaryFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + "."
                + ProcessHandle.current().pid() + "." + Thread.currentThread().getId() + ".tmp");
    }

    /** Writes {@code text} to {@code target} atomically (replacing it: for hadr's own bookkeeping files). */
    public static void writeAtomically(Path target, String text) throws IOException {
        Path temp = temporaryFor(target);
        Files.writeString(temp, text);
        fsync(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
    }

    /**
     * Copies {@code source} to {@code target} unless a file of that name exists; an existing one
     * is compared (through its content, whether compressed or not) and never overwritten.
     *
     * @param existing the file of that name already there in either form, or null
     */
    public static Outcome copyNoClobber(Path source, Path target, Path existing, Transfer transfer) throws IOException {
        if (existing != null) {
            return sameContent(source, existing) ? Outcome.SAME : Outcome.CONFLICT;
        }
        Path temp = temporaryFor(target);
        try {
            try (InputStream in = Files.newInputStream(source);
                    OutputStream out = Files.newOutputStream(temp)) {
                transfer.copy(in, out);
            }
            fsync(temp);
            try {
                // A link fails when the name exists: no writer can replace another's file.
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                return sameContent(source, target) ? Outcome.SAME : Outcome.CONFLICT;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        fsyncDirectory(target.getParent());
        return Outcome.COPIED;
    }

    /** How bytes go from one file to another (e.g. through the inter-region link). */
    @FunctionalInterface
    public interface Transfer {
        Transfer DIRECT = InputStream::transferTo;

        void copy(InputStream in, OutputStream out) throws IOException;
    }

    /** Whether two store files hold the same content, each read through gzip when it is compressed. */
    public static boolean sameContent(Path a, Path b) throws IOException {
        try (InputStream x = open(a);
                InputStream y = open(b)) {
            byte[] bx = new byte[65536];
            byte[] by = new byte[65536];
            while (true) {
                int nx = x.readNBytes(bx, 0, bx.length);
                int ny = y.readNBytes(by, 0, by.length);
                if (nx != ny || !java.util.Arrays.equals(bx, 0, nx, by, 0, ny)) {
                    return false;
                }
                if (nx == 0) {
                    return true;
                }
            }
        }
    }

    /** The uncompressed content of a store file ({@code .gz} is decompressed). */
    public static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(WalFile.GZ) ? new GZIPInputStream(in, 65536) : in;
    }

    /** Reads a whole store file, decompressing it when needed. */
    public static byte[] read(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return in.readAllBytes();
        }
    }

    /** Deletes a file if it is there; a file already gone is not an error. */
    public static boolean delete(Path file) throws IOException {
        try {
            return Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
