package io.hadr.cli;

import io.hadr.core.platform.Platform;
import io.hadr.core.topology.Topology;
import java.nio.file.Path;

/**
 * How the drill commands reach an environment: one {@link Platform} per topology. Closing the
 * platform releases what it holds, including an environment it started for the drill.
 */
@FunctionalInterface
interface PlatformProvider {

    /**
     * A platform over the environment for {@code topology}: the one running in {@code stateDir}, or
     * one started there for the drill.
     */
    Platform open(Topology topology, Path stateDir, java.util.function.Consumer<String> progress);
}
