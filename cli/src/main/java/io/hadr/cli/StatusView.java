package io.hadr.cli;

import io.hadr.core.json.Json;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.EnvironmentStatus.AppStatus;
import io.hadr.core.platform.EnvironmentStatus.DatabaseStatus;
import io.hadr.core.platform.EnvironmentStatus.LinkDirection;
import io.hadr.core.platform.EnvironmentStatus.LinkStatus;
import io.hadr.core.platform.EnvironmentStatus.ListenerStatus;
import io.hadr.core.platform.EnvironmentStatus.OriginStatus;
import io.hadr.core.platform.EnvironmentStatus.RegionStatus;
import io.hadr.core.platform.EnvironmentStatus.ReplicationStatus;
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
        out.printf(
                "hadr · %s · %s · topology: %s · pid %s · up since %s%n",
                status.name(), status.strategy(), status.topology(), orDash(status.pid()), orDash(status.startedAt()));
        out.println("endpoint: " + (status.endpoint() == null ? "(none)" : status.endpoint())
                + (status.frontDoorId() == null
                        ? ""
                        : " · front door id " + status.frontDoorId()
                                + " (send it as X-Azure-FDID to reach an app directly)"));
        out.println();

        Table table = new Table(
                "REGION", "NAME", "ROLE", "APP", "STATE", "URL", "PID", "RESTARTS", "ORIGIN", "PROBES", "SERVED");
        List<String> notes = new ArrayList<>();
        for (RegionStatus region : status.regions()) {
            OriginStatus origin = region.origin();
            String originText = origin == null
                    ? "-"
                    : "p" + origin.priority() + " w" + origin.weight() + " "
                            + (!origin.enabled() ? "disabled" : origin.healthy() ? "healthy" : "UNHEALTHY");
            String probes = origin == null ? "-" : String.join(" ", origin.probes());
            String served = origin == null ? "-" : Long.toString(origin.requestsServed());
            if (region.apps().isEmpty()) {
                table.row(
                        region.id(),
                        region.displayName(),
                        region.role(),
                        "-",
                        "-",
                        "-",
                        "-",
                        "-",
                        originText,
                        probes,
                        served);
                notes.add(
                        region.id() + " runs no app instance (scaled to 0, as a warm or cold standby); 'hadr app scale "
                                + region.id() + " N' starts N");
            }
            for (AppStatus app : region.apps()) {
                table.row(
                        region.id(),
                        region.displayName(),
                        region.role(),
                        app.id(),
                        app.state(),
                        app.url(),
                        orDash(app.pid()),
                        Integer.toString(app.restarts()),
                        originText,
                        probes,
                        served);
                note(region, app, clock.instant()).ifPresent(notes::add);
            }
        }
        table.print(out);
        if (status.appJvmOptions() != null) {
            out.println(jvmLine(status.platform(), status.appJvmOptions()));
        }
        if (status.database() != null) {
            out.println();
            DatabaseView.print(status.database(), out);
        }
        if (status.link() != null) {
            out.println(LinkView.line(status.link()));
        }
        for (String note : notes) {
            out.println("! " + note);
        }
        for (String note : status.nonAzureSettings()) {
            out.println("note: " + note);
        }
        out.flush();
    }

    /**
     * The apps' JVM options, and what the local quick-start choice costs: C1 alone starts the app
     * sooner (part of every restart's RTO) and serves less per CPU second.
     */
    static String jvmLine(String platform, List<String> options) {
        boolean azure = "azure".equals(platform);
        String line = "app JVM options: "
                + (options.isEmpty() ? "none" : String.join(" ", options))
                + (azure ? " (JAVA_OPTS, on top of App Service's defaults)" : "");
        int level = options.lastIndexOf("-XX:TieredStopAtLevel=1");
        boolean quickStart = level >= 0
                && options.subList(level + 1, options.size()).stream()
                        .noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel"));
        if (quickStart) {
            line += " · quick start: C1 JIT only (ready sooner, about a fifth less throughput);"
                    + " app.jvmOptions [\"-XX:TieredStopAtLevel=4\"] gives the full JIT";
        }
        return line;
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

    /** The failover group: state, listeners, lag, one line per server. */
    static final class DatabaseView {

        private DatabaseView() {}

        static void print(DatabaseStatus db, PrintWriter out) {
            out.printf(
                    "database: %sprimary %s, secondary %s, %s replication%s, lag %s, failover policy %s%n",
                    db.state() == null ? "" : db.state() + ", ",
                    db.primary(),
                    db.secondary() == null ? "(none)" : db.secondary(),
                    db.replication(),
                    "sync".equals(db.replication()) && !db.synchronousCommit() ? " (committing alone)" : "",
                    lag(db),
                    db.failoverPolicy());
            if (db.primaryUnreachableSince() != null) {
                out.printf("  ! the primary has not answered since %s%n", db.primaryUnreachableSince());
            }
            if (db.listeners() == null || db.listeners().isEmpty()) {
                out.printf(
                        "  read-write listener %s -> %s, read-only listener %s -> %s%n",
                        db.readWriteListener(),
                        orNone(db.readWriteTarget()),
                        db.readOnlyListener(),
                        orNone(db.readOnlyTarget()));
            } else {
                Table listeners = new Table("  LISTENER", "FOR APPS IN", "ADDRESS", "LEADS TO", "CONNECTIONS");
                for (ListenerStatus listener : db.listeners()) {
                    listeners.row(
                            "  " + listener.name(),
                            listener.region(),
                            listener.address(),
                            listener.target() == null
                                    ? "(none)"
                                    : listener.target() + (listener.crossesLink() ? " (across the link)" : ""),
                            Integer.toString(listener.connections()));
                }
                listeners.print(out);
            }
            Table table = new Table(
                    "  SERVER", "ROLE", "STATE", "PORT", "PID", "TIMELINE", "REPLAY LSN", "STREAMING", "RESTARTS");
            for (ServerStatus server : db.servers()) {
                table.row(
                        "  " + server.name(),
                        server.role(),
                        server.state(),
                        orDash(server.port()),
                        orDash(server.pid()),
                        orDash(server.timeline()),
                        orDash(server.replayLsn()),
                        orDash(server.streaming()),
                        Integer.toString(server.restarts()));
            }
            table.print(out);
            ReplicationStatus replication = db.replicationFromPrimary();
            if (replication != null) {
                out.printf(
                        "  replication seen by the primary: %s, current %s, sent %s, flushed %s, replayed %s%s%s%n",
                        replication.connected()
                                ? "connected (" + orDash(replication.walSenderState()) + ")"
                                : "NOT CONNECTED",
                        orDash(replication.currentLsn()),
                        orDash(replication.sentLsn()),
                        orDash(replication.flushLsn()),
                        orDash(replication.replayLsn()),
                        replication.replayLagMs() == null ? "" : ", replay lag " + replication.replayLagMs() + " ms",
                        replication.sinceLastReplyMs() == null
                                ? ""
                                : ", last reply " + Deadline.seconds(Duration.ofMillis(replication.sinceLastReplyMs()))
                                        + " ago");
            }
            for (ServerStatus server : db.servers()) {
                note(server).ifPresent(note -> out.println("  ! " + note));
            }
            if (db.lastFailover() != null) {
                var last = db.lastFailover();
                out.printf(
                        "  last failover: %s, %s -> %s: %s%n",
                        last.performed().word(), last.oldPrimary(), last.newPrimary(), FailoverView.phases(last));
            }
            if (db.backups() != null) {
                BackupView.printSummary(db.backups(), out);
            }
        }

        /** What a person should know about a server that crashed or does not answer. */
        private static java.util.Optional<String> note(ServerStatus server) {
            if (server.crashLooping()) {
                return java.util.Optional.of("database server " + server.name() + " crashed too often in a short while"
                        + " and is no longer restarted (last crash " + orDash(server.lastCrashAt())
                        + "); find the cause in "
                        + server.log() + ", then 'hadr region up " + server.name() + "'");
            }
            if ("unresponsive".equals(server.state())) {
                return java.util.Optional.of("database server " + server.name() + " runs but does not answer"
                        + (server.error() == null ? "" : " (" + server.error() + ")"));
            }
            if (server.lastCrashAt() != null) {
                return java.util.Optional.of("database server " + server.name() + " crashed at " + server.lastCrashAt()
                        + " and was restarted " + server.restarts() + " time" + (server.restarts() == 1 ? "" : "s"));
            }
            return java.util.Optional.empty();
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

    /** The link between the regions. */
    static final class LinkView {

        private LinkView() {}

        /** One line: {@code link centralindia <-> southindia: 10 ms one way, whole, 1 connection; ...}. */
        static String line(LinkStatus link) {
            StringBuilder line = new StringBuilder("link");
            if (link.directions().size() == 2) {
                line.append(' ')
                        .append(link.directions().get(0).from())
                        .append(" <-> ")
                        .append(link.directions().get(0).to());
            }
            line.append(": ").append(latency(link)).append(" one way, ");
            line.append(
                    link.partitioned()
                            ? "PARTITIONED"
                                    + (link.partitionedSince() == null ? "" : " since " + link.partitionedSince())
                                    + " (nothing crosses; 'hadr link heal' ends it)"
                            : "whole");
            line.append(", ")
                    .append(link.connections())
                    .append(" connection")
                    .append(link.connections() == 1 ? "" : "s");
            for (LinkDirection direction : link.directions()) {
                line.append("; ")
                        .append(direction.from())
                        .append(" -> ")
                        .append(direction.to())
                        .append(' ')
                        .append(bytes(direction.deliveredBytes()))
                        .append(" delivered");
                if (direction.pendingBytes() > 0) {
                    line.append(", ")
                            .append(bytes(direction.pendingBytes()))
                            .append(link.partitioned() ? " held" : " on the way");
                }
            }
            return line.toString();
        }

        static void print(LinkStatus link, PrintWriter out) {
            out.println(line(link));
        }

        private static String latency(LinkStatus link) {
            double ms = link.latencyMs();
            return ms == Math.rint(ms)
                    ? String.format(java.util.Locale.ROOT, "%.0f ms", ms)
                    : String.format(java.util.Locale.ROOT, "%.2f ms", ms);
        }

        static String bytes(long bytes) {
            if (bytes < 10 * 1024) {
                return bytes + " B";
            }
            if (bytes < 10L * 1024 * 1024) {
                return bytes / 1024 + " KiB";
            }
            return bytes / (1024 * 1024) + " MiB";
        }
    }
}
