package io.hadr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders {@code hadr status --json} as a table for people. */
final class StatusView {

    private StatusView() {}

    static void print(JsonNode status, PrintWriter out) {
        out.printf("hadr · %s · %s · topology: %s · pid %s · up since %s%n",
                status.path("name").asText(), status.path("strategy").asText(), status.path("topology").asText(),
                status.path("pid").asText(), status.path("startedAt").asText());
        String endpoint = status.path("endpoint").asText(null);
        out.println("endpoint: " + (endpoint == null ? "(none)" : endpoint));
        out.println();

        Table table = new Table("REGION", "NAME", "ROLE", "APP", "STATE", "URL", "PID", "ORIGIN", "PROBES", "SERVED");
        List<String> notes = new ArrayList<>();
        for (JsonNode region : status.path("regions")) {
            JsonNode apps = region.path("apps");
            JsonNode origin = region.path("origin");
            String originText = origin.isObject()
                    ? "p" + origin.path("priority").asText() + " w" + origin.path("weight").asText() + " "
                            + (!origin.path("enabled").asBoolean() ? "disabled" : origin.path("healthy").asBoolean() ? "healthy" : "UNHEALTHY")
                    : "-";
            String probes = origin.isObject() ? String.join(" ", textList(origin.path("probes"))) : "-";
            String served = origin.isObject() ? origin.path("requestsServed").asText() : "-";
            if (apps.isEmpty()) {
                table.row(region.path("id").asText(), region.path("displayName").asText(), region.path("role").asText(),
                        "-", "-", "-", "-", originText, probes, served);
            }
            for (JsonNode app : apps) {
                table.row(region.path("id").asText(), region.path("displayName").asText(), region.path("role").asText(),
                        app.path("id").asText(), app.path("state").asText(), app.path("url").asText(),
                        app.path("pid").isNull() ? "-" : app.path("pid").asText(), originText, probes, served);
                if (app.path("state").asText().equals("crashed")) {
                    notes.add("app " + app.path("id").asText() + " " + app.path("lastExit").asText("crashed")
                            + "; 'hadr app start " + region.path("id").asText() + "' starts it again; log: " + app.path("log").asText());
                }
            }
        }
        table.print(out);
        if (status.path("database").isObject()) {
            out.println();
            printDatabase(status.path("database"), out);
        }
        for (String note : notes) {
            out.println("! " + note);
        }
        for (JsonNode note : status.path("nonAzureSettings")) {
            out.println("note: " + note.asText());
        }
        out.flush();
    }

    /** What {@code --json} prints: the control API's answer, indented. */
    static void printJson(JsonNode json, PrintWriter out) throws java.io.IOException {
        out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        out.flush();
    }

    /** The failover group: listeners, lag, one line per server. */
    static void printDatabase(JsonNode db, PrintWriter out) {
        out.printf("database: primary %s, secondary %s, %s replication, lag %s, failover policy %s%n",
                db.path("primary").asText(), db.path("secondary").isNull() ? "(none)" : db.path("secondary").asText(),
                db.path("replication").asText(), lag(db), db.path("failoverPolicy").asText());
        out.printf("  read-write listener %s -> %s, read-only listener %s -> %s%n",
                db.path("readWriteListener").asText(), orNone(db.path("readWriteTarget")),
                db.path("readOnlyListener").asText(), orNone(db.path("readOnlyTarget")));
        Table table = new Table("  SERVER", "ROLE", "STATE", "PORT", "PID", "TIMELINE", "REPLAY LSN", "STREAMING");
        for (JsonNode server : db.path("servers")) {
            table.row("  " + server.path("region").asText(), server.path("role").asText(), server.path("state").asText(),
                    server.path("port").asText(), orDash(server.path("pid")), orDash(server.path("timeline")),
                    orDash(server.path("replayLsn")), orDash(server.path("streaming")));
        }
        table.print(out);
        JsonNode last = db.path("lastFailover");
        if (last.isObject()) {
            out.printf("  last failover: %s, %s -> %s: %s%n", last.path("performed").asText(), last.path("oldPrimary").asText(),
                    last.path("newPrimary").asText(), last.path("summary").asText());
        }
    }

    private static String lag(JsonNode db) {
        JsonNode bytes = db.path("replicationLagBytes");
        JsonNode millis = db.path("replicationLagMs");
        if (bytes.isNull() && millis.isNull()) {
            return "unknown";
        }
        return (bytes.isNull() ? "?" : bytes.asText()) + " bytes / " + (millis.isNull() ? "?" : millis.asText()) + " ms";
    }

    private static String orNone(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? "(none)" : node.asText();
    }

    private static String orDash(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? "-" : node.asText();
    }

    private static List<String> textList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    /** A plain text table with columns as wide as their widest cell. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintWriter out) {
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
