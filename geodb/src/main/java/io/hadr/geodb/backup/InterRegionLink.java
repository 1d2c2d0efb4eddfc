package io.hadr.geodb.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How a geo-copy of backups crosses from one region's store to the other's. The local
 * environment routes cross-region traffic through a link with latency and partitions; a copy of
 * a backup to the other region must feel them too, as Azure's geo-redundant backup copies do.
 * The default copies directly.
 */
@FunctionalInterface
public interface InterRegionLink {

    /** A copy on this machine without delay. */
    InterRegionLink DIRECT = (from, to, in, out) -> in.transferTo(out);

    /**
     * Copies {@code in} to {@code out} as a transfer from region {@code from} to region {@code to};
     * may block (latency), or throw while the regions are partitioned.
     */
    void transfer(String from, String to, InputStream in, OutputStream out) throws IOException;
}
