package io.hadr.cli;

import io.hadr.core.platform.AppAction;
import io.hadr.local.AppActionResult;
import io.hadr.local.ControlClient;
import io.hadr.local.ScaleRequest;
import io.hadr.local.ScaleResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "app",
        mixinStandardHelpOptions = true,
        description = {
            "Act on a region's app, like App Service's stop/start/restart, or crash it with kill;",
            "scale sets its instance count.",
            "An instance that crashes on its own is restarted (with back-off) until it crashes too often;",
            "stop, kill and region down are deliberate and never undone by that."
        },
        subcommands = {
            AppCommand.Stop.class,
            AppCommand.Start.class,
            AppCommand.Restart.class,
            AppCommand.Kill.class,
            AppCommand.Scale.class
        })
final class AppCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "say what to do: stop, start, restart, kill or scale");
    }

    /** Every app instance of the region, through the control API. */
    abstract static class Action extends RegionActionCommand<AppActionResult> {
        private final AppAction action;

        Action(AppAction action) {
            this.action = action;
        }

        @Override
        AppActionResult act(ControlClient client, String region) {
            return client.app(region, action);
        }

        @Override
        List<String> describe(AppActionResult result) {
            return ActionView.lines(result);
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stop gracefully (SIGTERM): it refuses connections afterwards.")
    static final class Stop extends Action {
        Stop() {
            super(AppAction.STOP);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start and wait until /health answers.")
    static final class Start extends Action {
        Start() {
            super(AppAction.START);
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Stop, then start.")
    static final class Restart extends Action {
        Restart() {
            super(AppAction.RESTART);
        }
    }

    @Command(
            name = "scale",
            mixinStandardHelpOptions = true,
            description = {
                "Run exactly N instances of the region's app (App Service's instance count), 0 to 10.",
                "New instances join the front door (unhealthy until their probes pass); removed ones leave",
                "it first and are stopped once their requests in flight finished. Refused when the database",
                "cannot hold N more connection pools (database.maxConnections)."
            })
    static final class Scale extends RegionActionCommand<ScaleResult> {
        @Parameters(index = "1", paramLabel = "N", description = "Instances, 0 to 10.")
        int instances;

        @Override
        void check() {
            if (instances < 0 || instances > ScaleRequest.MAX_INSTANCES) {
                throw new ParameterException(
                        spec.commandLine(),
                        "an app scales to 0 to " + ScaleRequest.MAX_INSTANCES + " instances per region, but "
                                + instances + " was given");
            }
        }

        @Override
        ScaleResult act(ControlClient client, String region) {
            return client.scale(region, instances);
        }

        @Override
        List<String> describe(ScaleResult result) {
            return ActionView.lines(result);
        }
    }

    @Command(
            name = "kill",
            mixinStandardHelpOptions = true,
            description = "SIGKILL: a crash, no chance to finish requests. Not restarted until 'hadr app start'.")
    static final class Kill extends Action {
        Kill() {
            super(AppAction.KILL);
        }
    }
}
