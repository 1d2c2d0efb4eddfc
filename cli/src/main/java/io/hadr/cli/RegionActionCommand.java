package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A command that acts on one region of the running environment and prints one line per result. */
abstract class RegionActionCommand implements Callable<Integer> {

    @Mixin
    StateDirOption stateDir;

    @Parameters(paramLabel = "REGION", description = "Region id, e.g. centralindia.")
    String region;

    @Spec
    CommandSpec spec;

    abstract List<String> act(ControlClient client, String region);

    @Override
    public Integer call() {
        ControlClient client = ControlClient.connect(stateDir.get());
        PrintWriter out = spec.commandLine().getOut();
        act(client, region).forEach(out::println);
        out.flush();
        return 0;
    }
}
