package io.hadr.geodb.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * How a geo-copy's bytes go from one region's backup store to the other's. In the failover group
 * they cross the inter-region link ({@link LinkCrossing}), so a copy takes the link's latency and
 * stalls while it is partitioned, like every other byte between the regions.
 */
public interface Crossing {

    /** Straight from one file to the other, for tests of what the copier decides. */
    Crossing DIRECT = (from, to, in, out) -> in.transferTo(out);

    /**
     * Copies {@code in} to {@code out} as a transfer from region {@code from} to region {@code to}.
     *
     * @throws IOException when the transfer fails or stalls; nothing is then to be trusted in {@code out}
     */
    void transfer(String from, String to, InputStream in, OutputStream out) throws IOException;

    /** Says that a whole pass from {@code from} to {@code to} went through: nothing waits in that direction. */
    default void passed(String from, String to) {}

    /** Transfers that wait on the way across now, one sentence each. */
    default List<String> waiting() {
        return List.of();
    }
}
