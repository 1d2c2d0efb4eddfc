package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "region", mixinStandardHelpOptions = true,
        description = "Take a whole region away at once, or bring it back.",
        subcommands = {RegionCommand.Down.class, RegionCommand.Up.class})
final class RegionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to do: down or up");
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "SIGKILL the region's apps and database server, the way a region disappears.")
    static final class Down extends RegionActionCommand {
        @Override
        List<String> act(ControlClient client, String region) {
            return client.region(region, false);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Bring the region back; a former primary rejoins as the secondary.")
    static final class Up extends RegionActionCommand {
        @Override
        List<String> act(ControlClient client, String region) {
            return client.region(region, true);
        }
    }
}
