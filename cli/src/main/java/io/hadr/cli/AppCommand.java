package io.hadr.cli;

import io.hadr.local.AppAction;
import io.hadr.local.ControlClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
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

    abstract static class Action implements Callable<Integer> {
        @Mixin
        StateDirOption stateDir;

        @Parameters(paramLabel = "REGION", description = "Region id, e.g. centralindia.")
        String region;

        @Spec
        CommandSpec spec;

        abstract AppAction action();

        @Override
        public Integer call() {
            ControlClient client = ControlClient.connect(stateDir.get());
            PrintWriter out = spec.commandLine().getOut();
            for (String line : client.app(region, action())) {
                out.println(line);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop gracefully (SIGTERM): it refuses connections afterwards.")
    static final class Stop extends Action {
        @Override
        AppAction action() {
            return AppAction.STOP;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start and wait until /health answers.")
    static final class Start extends Action {
        @Override
        AppAction action() {
            return AppAction.START;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Stop, then start.")
    static final class Restart extends Action {
        @Override
        AppAction action() {
            return AppAction.RESTART;
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "SIGKILL: a crash, no chance to finish requests.")
    static final class Kill extends Action {
        @Override
        AppAction action() {
            return AppAction.KILL;
        }
    }
}
