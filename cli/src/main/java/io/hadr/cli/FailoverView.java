package io.hadr.cli;

import io.hadr.core.platform.FailoverResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;

/** Tells people what a database failover did. */
final class FailoverView {

    private FailoverView() {}

    static void print(FailoverResult result, PrintWriter out) {
        out.printf(
                "%s failover: %s is now primary (was %s)%n",
                result.performed().word(), result.newPrimary(), result.oldPrimary());
        out.println("  " + phases(result));
        if (result.fallbackReason() != null && !result.fallbackReason().isEmpty()) {
            out.println("  planned failover was not possible: " + result.fallbackReason());
        }
        if (result.dataLossPossible()) {
            out.println("  writes not yet replicated from " + result.oldPrimary()
                    + " may be lost; it is fenced and rejoins as the secondary when it comes back");
        }
    }

    /** {@code writes stopped 0.02 s, secondary caught up 0.31 s, ...}: each phase with its time since the start. */
    static String phases(FailoverResult result) {
        return result.phases().stream()
                .map(p -> String.format(Locale.ROOT, "%s %.2f s", p.name(), p.atMs() / 1000.0))
                .collect(Collectors.joining(", "));
    }
}
