package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running environment: regions, apps, their state and URLs.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    StateDirOption stateDir;

    @Option(names = "--json", description = "Print JSON for programs instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ControlClient client = ControlClient.connect(stateDir.get());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StatusView.printJson(client.status(), out);
        } else {
            StatusView.print(client.status(), out);
        }
        return 0;
    }
}
