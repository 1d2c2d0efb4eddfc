package io.hadr.cli;

import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code -f FILE}: the topology; without it hadr.yaml in the working directory, else the built-in one. */
final class TopologyOption {

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Topology file (default: ./hadr.yaml if present, else the built-in two-region topology).")
    Path file;

    Topology load() {
        return TopologyLoader.resolve(Optional.ofNullable(file), Path.of("").toAbsolutePath());
    }
}
