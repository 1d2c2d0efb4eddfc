package io.hadr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = "Print hadr's version.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("hadr " + Hadr.version() + " (Java " + Runtime.version() + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
