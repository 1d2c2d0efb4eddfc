package io.hadr.cli;

import io.hadr.core.topology.TopologyException;

/** Turns an exception into the one line (or, for a topology, one line per problem) people read. */
final class Errors {

    private Errors() {}

    static String describe(Throwable e) {
        if (e instanceof TopologyException topology) {
            if (topology.problems().size() == 1) {
                return topology.getMessage();
            }
            return "the topology has " + topology.problems().size() + " problems:\n  " + topology.getMessage().replace("\n", "\n  ");
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName() + " (run with --verbose for details)";
        }
        return message;
    }
}
