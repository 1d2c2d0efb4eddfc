package io.hadr.cli;

import io.hadr.core.topology.TopologyException;
import io.hadr.local.BadControlRequestException;
import io.hadr.local.FailoverDeclinedException;
import io.hadr.local.UnknownRegionException;

/** Turns an exception into the one line (or, for a topology, one line per problem) people read, and its exit code. */
final class Errors {

    private Errors() {}

    static String describe(Throwable e) {
        if (e instanceof TopologyException topology) {
            if (topology.problems().size() == 1) {
                return topology.getMessage();
            }
            return "the topology has " + topology.problems().size() + " problems:\n  "
                    + topology.getMessage().replace("\n", "\n  ");
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName() + " (run with --verbose for details)";
        }
        return message;
    }

    /** Exit status when a failover was declined because another one runs (Azure FailoverGroupBusy). */
    static final int FAILOVER_GROUP_BUSY = 3;
    /** Exit status when a failover's target already is the primary: nothing was done (Azure FailoverGroupFailoverRequestOnPrimary). */
    static final int FAILOVER_TARGET_IS_PRIMARY = 4;

    /** The exit status for a command that failed with {@code e}: 2 bad usage, 3 and 4 declined failovers, else 1. */
    static int exitCode(Throwable e) {
        if (isBadUsage(e)) {
            return 2;
        }
        if (e instanceof FailoverDeclinedException declined) {
            return switch (declined.reason()) {
                case BUSY -> FAILOVER_GROUP_BUSY;
                case TARGET_IS_PRIMARY -> FAILOVER_TARGET_IS_PRIMARY;
            };
        }
        return 1;
    }

    /**
     * Whether the command line itself was wrong (exit 2): a region that does not exist, or a value
     * the environment refused as input, found only once the environment was asked.
     */
    static boolean isBadUsage(Throwable e) {
        return e instanceof UnknownRegionException || e instanceof BadControlRequestException;
    }
}
