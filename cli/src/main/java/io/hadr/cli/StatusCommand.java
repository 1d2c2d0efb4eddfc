package io.hadr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the running environment: endpoint, front door id, regions, apps, origins and the database.")
final class StatusCommand extends ControlCommand {

    @Option(names = "--json", description = "Print JSON for programs instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return print(json, client().status(), (status, out) -> StatusView.print(status, out));
    }
}
