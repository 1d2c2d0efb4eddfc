package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A command that acts on one region of the running environment and prints one line per result, or the result as JSON. */
abstract class RegionActionCommand<R> implements Callable<Integer> {

    @Mixin
    StateDirOption stateDir;

    @Parameters(index = "0", paramLabel = "REGION", description = "Region id, e.g. centralindia.")
    String region;

    @Option(names = "--json", description = "Print the result as JSON for programs.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Refuses bad arguments before the environment is asked; throws a picocli {@code ParameterException}. */
    void check() {}

    /** Carries out the action; returns the control API's answer. */
    abstract R act(ControlClient client, String region);

    /** The answer in words, one line per instance or server. */
    abstract List<String> describe(R result);

    @Override
    public Integer call() throws Exception {
        check();
        ControlClient client = ControlClient.connect(stateDir.get());
        PrintWriter out = spec.commandLine().getOut();
        R result = act(client, region);
        if (json) {
            StatusView.printJson(result, out);
        } else {
            describe(result).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
