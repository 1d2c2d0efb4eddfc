package io.hadr.cli;

import io.hadr.core.platform.RegionAction;
import io.hadr.local.ControlClient;
import io.hadr.local.RegionActionResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "region",
        mixinStandardHelpOptions = true,
        description = "Take a whole region away at once, or bring it back.",
        subcommands = {RegionCommand.Down.class, RegionCommand.Up.class})
final class RegionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to do: down or up");
    }

    /** A whole region, through the control API. */
    abstract static class Action extends RegionActionCommand<RegionActionResult> {
        private final RegionAction action;

        Action(RegionAction action) {
            this.action = action;
        }

        @Override
        RegionActionResult act(ControlClient client, String region) {
            return client.region(region, action);
        }

        @Override
        List<String> describe(RegionActionResult result) {
            return ActionView.lines(result);
        }
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description = "SIGKILL the region's apps and database server, the way a region disappears.")
    static final class Down extends Action {
        Down() {
            super(RegionAction.DOWN);
        }
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Bring the region back; a former primary rejoins as the secondary.")
    static final class Up extends Action {
        Up() {
            super(RegionAction.UP);
        }
    }
}
