package io.hadr.cli;

import io.hadr.local.AppAction;
import io.hadr.local.ControlClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "app", mixinStandardHelpOptions = true,
        description = "Act on a region's app, like App Service's stop/start/restart, or crash it with kill.",
        subcommands = {AppCommand.Stop.class, AppCommand.Start.class, AppCommand.Restart.class, AppCommand.Kill.class})
final class AppCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to do: stop, start, restart or kill");
    }

    /** Every app instance of the region, through the control API. */
    abstract static class Action extends RegionActionCommand {
        private final AppAction action;

        Action(AppAction action) {
            this.action = action;
        }

        @Override
        List<String> act(ControlClient client, String region) {
            return client.app(region, action);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop gracefully (SIGTERM): it refuses connections afterwards.")
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

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "SIGKILL: a crash, no chance to finish requests.")
    static final class Kill extends Action {
        Kill() {
            super(AppAction.KILL);
        }
    }
}
