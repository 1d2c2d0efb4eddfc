package io.hadr.cli;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.RegionAction;
import io.hadr.local.AppActionResult;
import io.hadr.local.AppActionResult.InstanceResult;
import io.hadr.local.RegionActionResult;
import io.hadr.local.ScaleResult;
import io.hadr.toolkit.Deadline;
import java.util.ArrayList;
import java.util.List;

/** Tells people what an app, region or origin action did, one line per instance or server. */
final class ActionView {

    private ActionView() {}

    static List<String> lines(AppActionResult result) {
        return result.instances().stream()
                .map(instance -> line(result.action(), instance))
                .toList();
    }

    private static String line(AppAction action, InstanceResult app) {
        return switch (action) {
            case STOP ->
                app.stopTook() != null
                        ? "stopped app " + app.id() + " in " + Deadline.seconds(app.stopTook())
                        : app.before() == app.after()
                                ? "app " + app.id() + " was already "
                                        + app.before().id()
                                : "app " + app.id() + " was " + app.before().id() + "; it is "
                                        + app.after().id() + " now";
            case START ->
                app.startTook() == null
                        ? "app " + app.id() + " was already " + app.before().id()
                        : "started app " + app.id() + " on " + app.url() + ", healthy after "
                                + Deadline.seconds(app.startTook());
            case RESTART ->
                "restarted app " + app.id() + " ("
                        + (app.stopTook() != null
                                ? "stopped in " + Deadline.seconds(app.stopTook())
                                : "it was " + app.before().id())
                        + ", healthy after " + Deadline.seconds(app.startTook()) + ")";
            case KILL -> "killed app " + app.id() + " (SIGKILL)";
        };
    }

    static List<String> lines(RegionActionResult result) {
        List<String> lines = new ArrayList<>();
        RegionActionResult.ServerChange db = result.database();
        if (result.action() == RegionAction.DOWN) {
            for (InstanceResult app : result.apps()) {
                lines.add(
                        app.before().isUp()
                                ? "killed app " + app.id() + " (SIGKILL)"
                                : "app " + app.id() + " was already "
                                        + app.before().id());
            }
            lines.add(
                    db.before().equals("running")
                            ? "killed database server " + db.name() + " (" + db.role() + ", SIGKILL)"
                            : "database server " + db.name() + " was already " + db.before() + " (" + db.role() + ")");
        } else {
            lines.add("database server " + db.name() + " is back as " + db.role() + " after "
                    + Deadline.seconds(db.took()));
            lines.addAll(lines(new AppActionResult(result.region(), AppAction.START, result.apps())));
        }
        return lines;
    }

    static List<String> lines(ScaleResult result) {
        List<String> lines = new ArrayList<>();
        for (InstanceResult app : result.removed()) {
            lines.add("removed app " + app.id() + " from the front door and stopped it (drained and stopped in "
                    + Deadline.seconds(app.stopTook()) + ")");
        }
        for (InstanceResult app : result.started()) {
            lines.add(
                    app.startTook() == null
                            ? "app " + app.id() + " was already " + app.after().id()
                            : "started app " + app.id() + " on " + app.url() + ", healthy after "
                                    + Deadline.seconds(app.startTook())
                                    + "; it gets traffic once the front door's probes pass");
        }
        lines.add("scaled " + result.region() + " from " + result.before() + " to " + result.after() + " instance"
                + (result.after() == 1 ? "" : "s") + " in " + Deadline.seconds(result.took()));
        return lines;
    }

    static String line(String region, EnvironmentStatus.OriginStatus origin) {
        return "origin " + region + ": priority " + origin.priority() + ", weight " + origin.weight() + ", "
                + (origin.enabled() ? "enabled" : "disabled") + ", " + (origin.healthy() ? "healthy" : "unhealthy");
    }
}
