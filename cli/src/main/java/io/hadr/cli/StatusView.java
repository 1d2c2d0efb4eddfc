package io.hadr.cli;

import io.hadr.core.json.Json;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.EnvironmentStatus.AppStatus;
import io.hadr.core.platform.EnvironmentStatus.DatabaseStatus;
import io.hadr.core.platform.EnvironmentStatus.OriginStatus;
import io.hadr.core.platform.EnvironmentStatus.RegionStatus;
import io.hadr.core.platform.EnvironmentStatus.ServerStatus;
import io.hadr.toolkit.Deadline;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Renders an environment's status for people; {@link #printJson} prints it for programs. */
final class StatusView {

    private StatusView() {}

    static void print(EnvironmentStatus status, PrintWriter out) {
        print(status, out, Clock.systemUTC());
    }

    static void print(EnvironmentStatus status, PrintWriter out, Clock clock) {
        out.printf("hadr · %s · %s · topology: %s · pid %s · up since %s%n", status.name(), status.strategy(),
                status.topology(), orDash(status.pid()), orDash(status.startedAt()));
        out.println("endpoint: " + (status.endpoint() == null ? "(none)" : status.endpoint())
                + (status.frontDoorId() == null ? "" : " · front door id " + status.frontDoorId()
                        + " (send it as X-Azure-FDID to reach an app directly)"));
        out.println();

        Table table = new Table("REGION", "NAME", "ROLE", "APP", "STATE", "URL", "PID", "RESTARTS", "ORIGIN", "PROBES", "SERVED");
        List<String> notes = new ArrayList<>();
        for (RegionStatus region : status.regions()) {
            OriginStatus origin = region.origin();
            String originText = origin == null ? "-" : "p" + origin.priority() + " w" + origin.weight() + " "
                    + (!origin.enabled() ? "disabled" : origin.healthy() ? "healthy" : "UNHEALTHY");
            String probes = origin == null ? "-" : String.join(" ", origin.probes());
            String served = origin == null ? "-" : Long.toString(origin.requestsServed());
            if (region.apps().isEmpty()) {
                table.row(region.id(), region.displayName(), region.role(), "-", "-", "-", "-", "-", originText, probes, served);
            }
            for (AppStatus app : region.apps()) {
                table.row(region.id(), region.displayName(), region.role(), app.id(), app.state(), app.url(), orDash(app.pid()),
                        Integer.toString(app.restarts()), originText, probes, served);
                note(region, app, clock.instant()).ifPresent(notes::add);
            }
        }
        table.print(out);
        if (status.database() != null) {
            out.println();
            DatabaseView.print(status.database(), out);
        }
        for (String note : notes) {
            out.println("! " + note);
        }
        for (String note : status.nonAzureSettings()) {
            out.println("note: " + note);
        }
        out.flush();
    }

    /** What a person should know about an instance that is not running as it should. */
    private static java.util.Optional<String> note(RegionStatus region, AppStatus app, Instant now) {
        if (!app.state().equals("crashed")) {
            return java.util.Optional.empty();
        }
        String exit = Objects.requireNonNullElse(app.lastExit(), "crashed");
        EnvironmentStatus.Healing healing = app.healing();
        if (healing != null && healing.gaveUp()) {
            return java.util.Optional.of("app " + app.id() + " crashed " + healing.recentCrashes()
                    + " times in a short while and is no longer restarted (last: " + exit + "); find the cause in "
                    + app.log() + ", then 'hadr app start " + region.id() + "'");
        }
        if (healing != null && healing.nextRestartAt() != null) {
            Duration in = Duration.between(now, healing.nextRestartAt());
            return java.util.Optional.of("app " + app.id() + " " + exit + "; restarting it "
                    + (in.isNegative() || in.isZero() ? "now" : "in " + Deadline.seconds(in)) + " (crash "
                    + healing.recentCrashes() + " in a short while); log: " + app.log());
        }
        return java.util.Optional.of("app " + app.id() + " " + exit + "; 'hadr app start " + region.id()
                + "' starts it again; log: " + app.log());
    }

    /** What {@code --json} prints: the control API's answer, indented. */
    static void printJson(Object value, PrintWriter out) throws IOException {
        out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        out.flush();
    }

    static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** The failover group: listeners, lag, one line per server. */
    static final class DatabaseView {

        private DatabaseView() {}

        static void print(DatabaseStatus db, PrintWriter out) {
            out.printf("database: primary %s, secondary %s, %s replication, lag %s, failover policy %s%n",
                    db.primary(), db.secondary() == null ? "(none)" : db.secondary(), db.replication(), lag(db),
                    db.failoverPolicy());
            out.printf("  read-write listener %s -> %s, read-only listener %s -> %s%n",
                    db.readWriteListener(), orNone(db.readWriteTarget()), db.readOnlyListener(), orNone(db.readOnlyTarget()));
            Table table = new Table("  SERVER", "ROLE", "STATE", "PORT", "PID", "TIMELINE", "REPLAY LSN", "STREAMING");
            for (ServerStatus server : db.servers()) {
                table.row("  " + server.name(), server.role(), server.state(), orDash(server.port()), orDash(server.pid()),
                        orDash(server.timeline()), orDash(server.replayLsn()), orDash(server.streaming()));
            }
            table.print(out);
            if (db.lastFailover() != null) {
                var last = db.lastFailover();
                out.printf("  last failover: %s, %s -> %s: %s%n", last.performed().word(), last.oldPrimary(),
                        last.newPrimary(), FailoverView.phases(last));
            }
            if (db.backups() != null) {
                BackupView.printSummary(db.backups(), out);
            }
        }

        private static String lag(DatabaseStatus db) {
            if (db.replicationLagBytes() == null && db.replicationLagMs() == null) {
                return "unknown";
            }
            return (db.replicationLagBytes() == null ? "?" : db.replicationLagBytes()) + " bytes / "
                    + (db.replicationLagMs() == null ? "?" : db.replicationLagMs()) + " ms";
        }

        private static String orNone(String value) {
            return value == null ? "(none)" : value;
        }
    }
}
