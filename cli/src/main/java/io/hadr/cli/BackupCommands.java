package io.hadr.cli;

import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlTarget;
import io.hadr.geodb.backup.VerifyReport;
import io.hadr.local.ControlClient;
import io.hadr.toolkit.Deadline;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code hadr db backup | backups | mark | restore | restores | drop-restore | adopt | sql |
 * verify-backups}: continuous backups and point-in-time restore of the local environment's
 * database, Azure SQL style (a restore always makes a new server) and beyond (to an LSN or a named
 * mark). Each command talks to the running environment through its control API ({@link ControlCommand}).
 */
final class BackupCommands {

    private BackupCommands() {}

    @Command(
            name = "backup",
            mixinStandardHelpOptions = true,
            description = "Take a base backup of the primary now (they are also taken on the topology's schedule).")
    static final class Backup extends ControlCommand {
        @Option(names = "--json", description = "Print the base backup as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            announce(json, "base backup of the primary...");
            return print(
                    json,
                    client().backup(progress(json)),
                    (info, out) -> out.printf(
                            "base backup %s of %s: %s, "
                                    + "WAL from %s, in the store of %s (copied to the other region's store in the background)%n",
                            info.id(), info.server(), BackupView.size(info.bytes()), info.startLsn(), info.store()));
        }
    }

    @Command(
            name = "backups",
            mixinStandardHelpOptions = true,
            description =
                    "What can be restored: base backups in each region's store, marks, the restorable range, archive lag.")
    static final class Backups extends ControlCommand {
        @Option(names = "--json", description = "Print JSON for programs instead of tables.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return print(json, client().backups(), BackupView::print);
        }
    }

    @Command(
            name = "mark",
            mixinStandardHelpOptions = true,
            description = {
                "Make a named restore point on the primary (pg_create_restore_point),",
                "e.g. before a risky migration; 'hadr db restore --to-mark NAME' returns exactly there."
            })
    static final class Mark extends ControlCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits and . _ : - ; unique.")
        String name;

        @Option(names = "--json", description = "Print the mark as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return print(
                    json,
                    client().mark(name),
                    (mark, out) -> out.printf(
                            "mark '%s' at %s (%s)%s%n",
                            mark.name(),
                            mark.lsn(),
                            mark.time(),
                            mark.archived() ? ", archived: a restore to it is possible now" : ", not archived yet"));
        }
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = {
                "Restore the database as it was at a point, into a NEW server; the live database is",
                "never touched. Inspect it with 'hadr db sql --restore NAME', bring it into service",
                "with 'hadr db adopt NAME', or remove it with 'hadr db drop-restore NAME'."
            })
    static final class Restore extends ControlCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(
                    names = "--to",
                    paramLabel = "TIME",
                    description = "ISO-8601 time, e.g. 2026-11-27T19:10:59Z or 2026-11-28T00:40:59+05:30: every "
                            + "transaction committed at or before it, none after.")
            String time;

            @Option(names = "--to-lsn", paramLabel = "LSN", description = "A WAL position, e.g. 0/3000148.")
            String lsn;

            @Option(names = "--to-mark", paramLabel = "NAME", description = "A restore point made with 'hadr db mark'.")
            String mark;

            @Option(
                    names = "--latest",
                    description = "As far as the backups reach: every archived transaction (with "
                            + "--from-region, a geo-restore after losing the primary region).")
            boolean latest;
        }

        @Option(
                names = "--as",
                paramLabel = "NAME",
                description = "The new server's name (default: made from the time).")
        String as;

        @Option(
                names = "--from-region",
                paramLabel = "REGION",
                description = "Restore from this region's backup store, into this region (geo-restore).")
        String fromRegion;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            RestoreTarget requested = target();
            announce(
                    json,
                    "restoring to " + describe(requested) + (as == null ? "" : " as '" + as + "'")
                            + (fromRegion == null ? "" : " from the backups in " + fromRegion) + "...");
            return print(
                    json,
                    client().restore(new RestoreRequest(requested, as, fromRegion), progress(json)),
                    Restore::printResult);
        }

        private static void printResult(RestoreResult result, PrintWriter out) {
            out.printf(
                    "restored '%s' from the backups in %s in %s%n",
                    result.name(), result.fromRegion(), Deadline.seconds(result.took()));
            out.printf("  address:       %s%n", result.address());
            out.printf(
                    "  reached:       %s, last transaction committed at %s%n",
                    result.reachedLsn(),
                    result.reachedCommitTime() == null ? "(none replayed)" : result.reachedCommitTime());
            out.printf("  look inside:   hadr db sql --restore %s \"SELECT count(*) FROM records\"%n", result.name());
            out.printf("  into service:  hadr db adopt %s%n", result.name());
        }

        private RestoreTarget target() {
            if (target.time != null) {
                return new RestoreTarget.AtTime(parseTime(target.time));
            }
            if (target.lsn != null) {
                if (!target.lsn.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--to-lsn '" + target.lsn + "' is not an LSN; write it like 0/3000148 (two hex numbers)");
                }
                return new RestoreTarget.AtLsn(target.lsn.toUpperCase(Locale.ROOT));
            }
            if (target.mark != null) {
                return new RestoreTarget.AtMark(target.mark);
            }
            return new RestoreTarget.Latest();
        }

        private Instant parseTime(String text) {
            try {
                return OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeParseException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--to '" + text + "' is not a time with a zone; write "
                                + "ISO-8601 like 2026-11-27T19:10:59Z (UTC) or 2026-11-28T00:40:59+05:30");
            }
        }

        private static String describe(RestoreTarget target) {
            if (target instanceof RestoreTarget.AtTime t) {
                return t.time().toString();
            }
            if (target instanceof RestoreTarget.AtLsn l) {
                return "LSN " + l.lsn();
            }
            if (target instanceof RestoreTarget.AtMark m) {
                return "mark '" + m.name() + "'";
            }
            return "the latest archived point";
        }
    }

    @Command(
            name = "restores",
            mixinStandardHelpOptions = true,
            description = "The restored servers, until they are adopted or dropped.")
    static final class Restores extends ControlCommand {
        @Option(names = "--json", description = "Print JSON for programs instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return print(json, client().restores(), BackupView::printRestores);
        }
    }

    @Command(
            name = "drop-restore",
            mixinStandardHelpOptions = true,
            description = "Stop a restored server and delete its data.")
    static final class DropRestore extends ControlCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            client().dropRestore(name);
            out().println("dropped restore '" + name + "'");
            out().flush();
            return 0;
        }
    }

    @Command(
            name = "adopt",
            mixinStandardHelpOptions = true,
            description = {
                "Bring a restored server into service: it becomes the failover group's primary",
                "behind the same listeners (the apps serve its data behind the same front door URL);",
                "the old primary's data is kept aside for the backup retention window (listed by",
                "'hadr db backups'), the geo-secondary is rebuilt from the new primary."
            })
    static final class Adopt extends ControlCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ControlClient client = client();
            if (!yes && !confirmed(out())) {
                spec.commandLine()
                        .getErr()
                        .println("hadr: not adopted; nothing changed (pass --yes to skip the question)");
                return 1;
            }
            announce(json, "adopting '" + name + "'...");
            return print(json, client.adopt(name, progress(json)), (report, out) -> {
                out.printf(
                        "adopted '%s' in %s: primary %s, secondary %s, database generation %d%n",
                        report.restore(),
                        Deadline.seconds(report.took()),
                        report.primary(),
                        report.secondary() == null ? "(rebuilt when it is back)" : report.secondary(),
                        report.generation());
                out.printf(
                        "  the former primary's data is kept in %s until %s (the retention window; 'hadr db backups' "
                                + "lists it)%n",
                        report.keptAside(), report.keptAsideUntil());
            });
        }

        private boolean confirmed(PrintWriter out) throws java.io.IOException {
            out.printf(
                    "Adopt '%s' as the primary? The apps will serve its data; the current primary's data is kept "
                            + "aside for the backup retention window. [y/N] ",
                    name);
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.trim().toLowerCase(Locale.ROOT).matches("y|yes");
        }
    }

    @Command(
            name = "sql",
            mixinStandardHelpOptions = true,
            description = {
                "Run one SQL statement as the administrator and print its rows: through the",
                "read-write listener (the current primary, as the apps), or on a server or a restore."
            })
    static final class Sql extends ControlCommand {
        @ArgGroup(exclusive = true)
        Where where;

        static final class Where {
            @Option(
                    names = "--server",
                    paramLabel = "NAME",
                    description = "A server of the failover group (its region id).")
            String server;

            @Option(names = "--restore", paramLabel = "NAME", description = "A restored server.")
            String restore;
        }

        @Parameters(index = "0", paramLabel = "SQL", description = "One statement, quoted.")
        String statement;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            SqlTarget target = where == null
                    ? SqlTarget.readWriteListener()
                    : where.server != null ? SqlTarget.server(where.server) : SqlTarget.restore(where.restore);
            return print(json, client().sql(target, statement), BackupView::printSql);
        }
    }

    @Command(
            name = "verify-backups",
            mixinStandardHelpOptions = true,
            description = {
                "Restore the latest base backup with all archived WAL to a scratch place, check that",
                "it starts and the records read, and name any missing or damaged WAL segment."
            })
    static final class VerifyBackups extends ControlCommand {
        @Option(
                names = "--region",
                paramLabel = "REGION",
                description = "Verify this region's store (default: the primary's).")
        String region;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            announce(json, "verifying backups...");
            VerifyReport report = client().verifyBackups(region, progress(json));
            print(json, report, (r, out) -> {
                out.printf(
                        "%s: the store of %s, base backup %s + %d WAL segment(s), replayed to %s (archived WAL ends "
                                + "at %s), %s records, in %s%n",
                        r.ok() ? "OK" : "PROBLEMS",
                        r.store(),
                        r.baseBackup(),
                        r.segmentsChecked(),
                        r.reachedLsn(),
                        r.expectedLsn(),
                        StatusView.orDash(r.records()),
                        Deadline.seconds(r.took()));
                r.problems().forEach(p -> out.println("  ! " + p));
            });
            return report.ok() ? 0 : 1;
        }
    }
}
