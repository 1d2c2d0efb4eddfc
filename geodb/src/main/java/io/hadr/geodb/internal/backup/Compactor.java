package io.hadr.geodb.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compresses archived WAL segments once they are older than a while. The archive command copies
 * WAL as it is (fast, so archiving keeps up with the primary); a segment closed by
 * {@code archive_timeout} is mostly empty and compresses to almost nothing. The compressed file
 * is written durably beside the original, which is removed only then: the store holds the
 * segment in one form or the other at every moment.
 */
public final class Compactor {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Duration after;
    private final int perPass;

    public Compactor(Duration after, int perPass) {
        this.after = after;
        this.perPass = perPass;
    }

    /**
     * Compresses up to the per-pass number of segments of {@code generation} that are old
     * enough and already summarised (read once uncompressed).
     *
     * @return how many were compressed
     */
    public int compact(BackupStore store, int generation, WalIndex index, Instant now) throws IOException {
        int done = 0;
        for (Map.Entry<String, Path> e : store.walFiles(generation).entrySet()) {
            if (done >= perPass) {
                break;
            }
            Path file = e.getValue();
            if (file.getFileName().toString().endsWith(WalFile.GZ)
                    || !WalFile.parse(e.getKey()).map(WalFile::isSegment).orElse(false)
                    || index.cached(e.getKey()) == null) {
                continue;
            }
            Instant modified;
            try {
                modified = Files.getLastModifiedTime(file).toInstant();
            } catch (java.nio.file.NoSuchFileException gone) {
                continue;
            }
            if (modified.plus(after).isAfter(now)) {
                continue;
            }
            try {
                compress(file);
            } catch (java.nio.file.NoSuchFileException gone) {
                // Removed by retention (or compressed by another pass) meanwhile: nothing left to do.
                LOG.debug("{} went away while it was compressed: {}", file, gone.toString());
                continue;
            }
            index.compressed(e.getKey(), file.resolveSibling(file.getFileName() + WalFile.GZ));
            done++;
        }
        return done;
    }

    /** Writes {@code file}.gz durably, then removes {@code file}. */
    public static void compress(Path file) throws IOException {
        Path gz = file.resolveSibling(file.getFileName() + WalFile.GZ);
        Path temp = DurableFiles.temporaryFor(gz);
        try {
            try (InputStream in = Files.newInputStream(file);
                    OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp), 65536) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    }) {
                in.transferTo(out);
            }
            DurableFiles.fsync(temp);
            try {
                Files.createLink(gz, temp);
            } catch (FileAlreadyExistsException e) {
                if (!DurableFiles.sameContent(file, gz)) {
                    LOG.error("{} exists with other content than {}; leaving both", gz, file);
                    return;
                }
            }
            // The ownership of the original (the PostgreSQL account), for the archive command's compare.
            try {
                Files.setOwner(gz, Files.getOwner(file));
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("Cannot give {} the owner of {}: {}", gz, file, e.toString());
            }
            DurableFiles.fsyncDirectory(gz.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
        Files.delete(file);
        DurableFiles.fsyncDirectory(file.getParent());
    }
}
