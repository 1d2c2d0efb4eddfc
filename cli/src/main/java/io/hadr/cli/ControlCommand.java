package io.hadr.cli;

import io.hadr.local.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of a command that asks the running environment one thing through its control API:
 * connect, ask, print the answer for people or as JSON ({@code --json}, which each command
 * declares with its own help text), exit 0. Failures are not caught here: {@link Hadr} prints
 * the one line and maps them to exit codes ({@link Errors}).
 */
abstract class ControlCommand implements Callable<Integer> {

    @Mixin
    StateDirOption stateDir;

    @Spec
    CommandSpec spec;

    /** Connects to the environment; says plainly that none runs when none does. */
    ControlClient client() {
        return ControlClient.connect(stateDir.get());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Says what starts, for people (nothing with {@code --json}, whose output is one document). */
    void announce(boolean json, String line) {
        if (!json) {
            out().println(line);
            out().flush();
        }
    }

    /** Progress lines for people (none with {@code --json}). */
    Consumer<String> progress(boolean json) {
        PrintWriter out = out();
        return json
                ? step -> {}
                : step -> {
                    out.println("  " + step);
                    out.flush();
                };
    }

    /** Prints the answer as JSON, or in {@code words} for people; returns exit status 0. */
    <R> int print(boolean json, R answer, BiConsumer<R, PrintWriter> words) throws IOException {
        PrintWriter out = out();
        if (json) {
            StatusView.printJson(answer, out);
        } else {
            words.accept(answer, out);
        }
        out.flush();
        return 0;
    }
}
