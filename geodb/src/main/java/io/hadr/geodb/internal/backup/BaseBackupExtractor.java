package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a base backup into an empty data directory, checking the archive against the checksum
 * recorded when it was taken: a damaged backup is named, never started.
 */
public final class BaseBackupExtractor {

    private BaseBackupExtractor() {}

    /**
     * @return the bytes of data written
     * @throws GeoDbException when the archive is damaged or cannot be written out
     */
    public static long extract(Path archive, String expectedSha256, Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long written = 0;
            try (InputStream file = Files.newInputStream(archive);
                    DigestInputStream digest = new DigestInputStream(new BufferedInputStream(file, 1 << 20), sha);
                    GZIPInputStream gzip = new GZIPInputStream(digest, 1 << 16);
                    TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
                TarArchiveEntry entry;
                Path root = dataDir.toAbsolutePath().normalize();
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = root.resolve(entry.getName()).normalize();
                    if (!target.startsWith(root)) {
                        throw new GeoDbException("the base backup " + archive + " holds an entry outside its data "
                                + "directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        written += tar.transferTo(out);
                    }
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                }
                // Read what follows the tar's end so that the checksum covers the whole file.
                digest.transferTo(OutputStream.nullOutputStream());
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (expectedSha256 != null && !expectedSha256.equals(actual)) {
                throw new GeoDbException("the base backup " + archive + " is damaged: its checksum is " + actual
                        + ", but it was " + expectedSha256 + " when it was taken");
            }
            return written;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new GeoDbException(
                    "cannot unpack the base backup " + archive + " into " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
