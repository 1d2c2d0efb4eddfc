package io.hadr.cli;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.local.ControlClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running environment: endpoint, front door id, regions, apps, origins and the database.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    StateDirOption stateDir;

    @Option(names = "--json", description = "Print JSON for programs instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EnvironmentStatus status = ControlClient.connect(stateDir.get()).status();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StatusView.printJson(status, out);
        } else {
            StatusView.print(status, out);
        }
        return 0;
    }
}
