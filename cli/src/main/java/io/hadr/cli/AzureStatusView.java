package io.hadr.cli;

import io.hadr.core.platform.EnvironmentStatus;
import java.io.PrintWriter;

/** Renders {@code hadr azure status} for people: the same facts as the JSON, in a table. */
final class AzureStatusView {

    private AzureStatusView() {}

    static void print(EnvironmentStatus status, PrintWriter out) {
        out.printf(
                "hadr on Azure · %s · %s · topology: %s · deployed %s%n",
                status.name(),
                status.strategy(),
                status.topology(),
                status.startedAt() == null ? "(unknown)" : status.startedAt());
        out.println("endpoint: " + status.endpoint() + "   frontDoorId: " + status.frontDoorId());
        out.println();
        Table table = new Table("REGION", "NAME", "ROLE", "APP", "STATE", "URL", "ORIGIN");
        for (EnvironmentStatus.RegionStatus region : status.regions()) {
            EnvironmentStatus.OriginStatus origin = region.origin();
            String originText = origin == null
                    ? "-"
                    : "p" + origin.priority() + " w" + origin.weight() + " "
                            + (origin.enabled() ? "enabled" : "disabled");
            for (EnvironmentStatus.AppStatus app : region.apps()) {
                table.row(
                        region.id(), region.displayName(), region.role(), app.id(), app.state(), app.url(), originText);
            }
        }
        table.print(out);
        EnvironmentStatus.DatabaseStatus db = status.database();
        if (db != null) {
            out.println();
            out.printf(
                    "database: primary %s, secondary %s, replication %s (%s), failover policy %s%n",
                    db.primary(),
                    db.secondary() == null ? "(none)" : db.secondary(),
                    db.replication(),
                    db.state(),
                    db.failoverPolicy());
            out.printf("  read-write listener %s -> %s", db.readWriteListener(), db.readWriteTarget());
            out.println(
                    db.readOnlyListener() == null
                            ? ""
                            : ", read-only listener " + db.readOnlyListener() + " -> " + db.readOnlyTarget());
            if (db.lastFailover() != null) {
                out.printf(
                        "  last failover: %s, %s -> %s in %d ms%n",
                        db.lastFailover().performed().word(),
                        db.lastFailover().oldPrimary(),
                        db.lastFailover().newPrimary(),
                        db.lastFailover().totalMs());
            }
        }
        out.println(
                "note: Azure Resource Manager does not expose Front Door's probe results; run a drill to see where requests go.");
        for (String note : status.nonAzureSettings()) {
            out.println("note: " + note);
        }
        out.flush();
    }
}
