package io.hadr.drill;

import io.hadr.drill.report.DrillReport;
import java.nio.file.Path;

/**
 * What a drill run gave.
 *
 * @param verdict how it ended
 * @param report the evidence; null for a dry run
 * @param reportDir where the reports were written; null for a dry run
 * @param plan the plan, as printed by a dry run (and at the start of a real one)
 */
public record DrillResult(Verdict verdict, DrillReport report, Path reportDir, String plan) {

    /** The exit status for a command: 0 when the drill passed (or was a dry run, or is not applicable), else 1. */
    public int exitStatus() {
        return verdict.exitStatus();
    }
}
