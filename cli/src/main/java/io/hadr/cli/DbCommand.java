package io.hadr.cli;

import io.hadr.core.platform.FailoverMode;
import io.hadr.local.ControlClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        description = {
            "The geo-replicated database: status and failover, like an Azure SQL failover group;",
            "backups and point-in-time restore, like Azure SQL's."
        },
        subcommands = {
            DbCommand.Status.class,
            DbCommand.Failover.class,
            BackupCommands.Backup.class,
            BackupCommands.Backups.class,
            BackupCommands.Mark.class,
            BackupCommands.Restore.class,
            BackupCommands.Restores.class,
            BackupCommands.DropRestore.class,
            BackupCommands.Adopt.class,
            BackupCommands.Sql.class,
            BackupCommands.VerifyBackups.class
        })
final class DbCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "say what to do: status, failover, backup, backups, mark, restore, "
                        + "restores, drop-restore, adopt, sql or verify-backups");
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Each server's role, state, timeline, and the replication lag.")
    static final class Status extends ControlCommand {
        @Option(names = "--json", description = "Print JSON for programs instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return print(json, client().databaseStatus(), StatusView.DatabaseView::print);
        }
    }

    @Command(
            name = "failover",
            mixinStandardHelpOptions = true,
            description = {
                "Make the secondary the primary, like an Azure SQL failover group.",
                "  planned (default)  no data loss; needs a reachable primary",
                "  --forced           at once, may lose data; the old primary is fenced",
                "                     and rejoins as the secondary (reseeded)",
                "  --try-planned      planned, or forced if planned cannot complete",
                "  --to REGION        the region whose server is to become primary (default: the",
                "                     secondary when the request arrives), as Azure sends a",
                "                     failover to the secondary",
                "Exit status 3: another failover runs (FailoverGroupBusy); 4: the target already is",
                "the primary, nothing done (FailoverGroupFailoverRequestOnPrimary)."
            })
    static final class Failover extends ControlCommand {
        @ArgGroup(exclusive = true)
        Mode mode;

        static final class Mode {
            @Option(names = "--forced", description = "forceFailoverAllowDataLoss: switch at once.")
            boolean forced;

            @Option(names = "--try-planned", description = "tryPlannedBeforeForcedFailover.")
            boolean tryPlanned;
        }

        @Option(names = "--json", description = "Print the result as JSON for programs.")
        boolean json;

        @Option(names = "--to", paramLabel = "REGION", description = "The region whose server is to become primary.")
        String to;

        @Override
        public Integer call() throws Exception {
            FailoverMode requested =
                    mode == null ? FailoverMode.PLANNED : mode.forced ? FailoverMode.FORCED : FailoverMode.TRY_PLANNED;
            ControlClient client = client();
            announce(json, requested.word() + " failover" + (to == null ? "" : " to " + to) + "...");
            return print(json, client.failover(requested, to), FailoverView::print);
        }
    }
}
