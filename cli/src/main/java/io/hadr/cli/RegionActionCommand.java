package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A command that acts on one region of the running environment and prints one line per result, or the result as JSON. */
abstract class RegionActionCommand<R> extends ControlCommand {

    @Parameters(index = "0", paramLabel = "REGION", description = "Region id, e.g. centralindia.")
    String region;

    @Option(names = "--json", description = "Print the result as JSON for programs.")
    boolean json;

    /** Refuses bad arguments before the environment is asked; throws a picocli {@code ParameterException}. */
    void check() {}

    /** Carries out the action; returns the control API's answer. */
    abstract R act(ControlClient client, String region);

    /** The answer in words, one line per instance or server. */
    abstract List<String> describe(R result);

    @Override
    public Integer call() throws Exception {
        check();
        return print(
                json, act(client(), region), (result, out) -> describe(result).forEach(out::println));
    }
}
