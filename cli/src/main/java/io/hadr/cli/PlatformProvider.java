package io.hadr.cli;

import io.hadr.core.topology.Topology;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * How the drill commands reach an environment: one {@link DrillSession} per topology. Closing the
 * session releases what it holds, including an environment it started for the drill.
 */
@FunctionalInterface
interface PlatformProvider {

    /**
     * A session on the environment for {@code topology}: the one running in {@code stateDir}, or
     * one started there for the drill.
     *
     * @param fresh start a new environment from nothing (refused while one runs there) instead of
     *     attaching to a running one or resuming the data kept in {@code stateDir}
     * @param progress receives a line per step of starting and stopping an environment
     */
    DrillSession open(Topology topology, Path stateDir, boolean fresh, Consumer<String> progress);
}
