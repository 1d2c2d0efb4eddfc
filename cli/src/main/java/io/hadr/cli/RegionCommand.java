package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
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

    abstract static class Action implements Callable<Integer> {
        @Mixin
        StateDirOption stateDir;

        @Parameters(paramLabel = "REGION", description = "Region id, e.g. centralindia.")
        String region;

        @Spec
        CommandSpec spec;

        abstract boolean up();

        @Override
        public Integer call() {
            ControlClient client = ControlClient.connect(stateDir.get());
            PrintWriter out = spec.commandLine().getOut();
            client.region(region, up()).forEach(out::println);
            out.flush();
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "SIGKILL the region's apps and database server, the way a region disappears.")
    static final class Down extends Action {
        @Override
        boolean up() {
            return false;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Bring the region back; a former primary rejoins as the secondary.")
    static final class Up extends Action {
        @Override
        boolean up() {
            return true;
        }
    }
}
