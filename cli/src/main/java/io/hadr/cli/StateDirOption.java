package io.hadr.cli;

import io.hadr.local.StateDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state-dir}, shared by the commands that act on an environment. */
final class StateDirOption {

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = ".hadr",
            description = "Where the environment keeps its logs, data and control file (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    StateDir get() {
        return new StateDir(stateDir);
    }
}
