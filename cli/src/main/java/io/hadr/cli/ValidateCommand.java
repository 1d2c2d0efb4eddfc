package io.hadr.cli;

import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check a topology file without starting anything.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    TopologyOption topology;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Topology t;
        try {
            t = topology.load();
        } catch (TopologyException e) {
            for (TopologyException.Problem problem : e.problems()) {
                err.println(problem);
            }
            err.println(e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems")
                    + "; nothing was started");
            err.flush();
            return 1;
        }
        out.printf(
                "%s is valid: %s, %s (primary) and %s (secondary)%n",
                t.source(),
                t.strategy().id(),
                t.primary().displayName(),
                t.secondary().displayName());
        for (String note : t.nonAzureSettings()) {
            out.println("note: " + note);
        }
        out.flush();
        return 0;
    }
}
