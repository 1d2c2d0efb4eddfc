package io.hadr.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code hadr} command. Exit codes: 0 ok, 1 failed, 2 bad usage; {@code hadr db failover} also
 * 3 when another failover runs (Azure {@code FailoverGroupBusy}) and 4 when its target already is
 * the primary (Azure {@code FailoverGroupFailoverRequestOnPrimary}). An error is one clear line on
 * stderr; {@code --verbose} adds the stack trace.
 */
@Command(
        name = "hadr",
        mixinStandardHelpOptions = true,
        versionProvider = Hadr.Version.class,
        description =
                "Run one web application in two regions behind a global front door, and prove that it survives disasters.",
        subcommands = {
            DemoCommand.class,
            UpCommand.class,
            StatusCommand.class,
            DownCommand.class,
            AppCommand.class,
            FrontDoorCommand.class,
            DbCommand.class,
            RegionCommand.class,
            LinkCommand.class,
            DrillCommand.class,
            AzureCommand.class,
            ValidateCommand.class,
            VersionCommand.class
        })
public final class Hadr implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests and {@link #main}). */
    public static int run(String... args) {
        CommandLine commandLine = commandLine();
        return commandLine.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Hadr());
        commandLine.setExecutionExceptionHandler(Hadr::handleFailure);
        commandLine.setParameterExceptionHandler(Hadr::handleUsageError);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handleFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("hadr: " + Errors.describe(e));
        if (isVerbose(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return Errors.exitCode(e);
    }

    private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("hadr: " + e.getMessage());
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return 2;
    }

    private static boolean isVerbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The version built into the jar. */
    static String version() {
        try (InputStream in = Hadr.class.getResourceAsStream("/hadr-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hadr " + version()};
        }
    }
}
