package io.hadr.cli;

import io.hadr.local.ControlClient;
import io.hadr.local.LocalEnvironmentException;
import io.hadr.local.StateDir;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "down",
        mixinStandardHelpOptions = true,
        description = "Stop the running environment: every app, gracefully. Data in the state directory stays.")
final class DownCommand implements Callable<Integer> {

    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @Mixin
    StateDirOption stateDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StateDir dir = stateDir.get();
        ControlClient client;
        try {
            client = ControlClient.connect(dir);
        } catch (LocalEnvironmentException e) {
            // Nothing to stop is what the user wanted: say so, and succeed.
            out.println("nothing to stop: no environment is running from " + dir.root());
            out.flush();
            return 0;
        }
        out.println("stopping the environment (pid " + client.pid() + ")...");
        out.flush();
        Duration took = client.shutdown(DEADLINE);
        out.printf(Locale.ROOT, "stopped in %.1f s%n", took.toMillis() / 1000.0);
        out.flush();
        return 0;
    }
}
