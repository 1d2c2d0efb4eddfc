package io.hadr.drill.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Several drills run one after the other on one environment ({@code hadr demo}): one line per
 * drill with its verdict, RTO and RPO, written as {@code index.html} (linking each drill's own
 * report), {@code summary.md}, {@code summary.json} and one {@code junit.xml} for all of them.
 */
public final class SuiteReport {

    /**
     * One drill's line.
     *
     * @param verdict PASS, FAIL, ABORTED, NOT_APPLICABLE, or ERROR when the drill could not run at all
     * @param reason why it did not pass (or was not applicable), or null
     * @param rtoMs the drill's RTO (the worse of reads and writes); null when not measured or never recovered
     * @param rpoMs the lost span; null when unknown or not measured
     * @param report the drill's {@code report.html}, relative to the suite's directory; null when none was written
     */
    public record Entry(
            String drill,
            String title,
            String verdict,
            String reason,
            Long rtoMs,
            Long readsRtoMs,
            Long writesRtoMs,
            Long rpoMs,
            Integer lostWrites,
            Long acknowledgedWrites,
            Integer inDoubtWrites,
            long durationMs,
            String report) {

        /** The line of a drill that ran (or was found not applicable), its report in {@code reportDir}. */
        public static Entry of(DrillReport r, Path suiteDir, Path reportDir) {
            Long rto = r.objectives().stream()
                    .filter(o -> o.name().equals("rto"))
                    .findFirst()
                    .map(DrillReport.Objective::measuredMs)
                    .orElse(null);
            Long rpo = r.objectives().stream()
                    .filter(o -> o.name().equals("rpo"))
                    .findFirst()
                    .map(DrillReport.Objective::measuredMs)
                    .orElse(null);
            return new Entry(
                    r.drill(),
                    r.title(),
                    r.verdict(),
                    r.verdictReason(),
                    rto,
                    r.reads().rtoMs(),
                    r.writes().rtoMs(),
                    rpo,
                    r.writes().lost(),
                    r.writes().acknowledged(),
                    r.writes().inDoubt(),
                    Duration.between(r.startedAt(), r.endedAt()).toMillis(),
                    suiteDir.toAbsolutePath()
                            .relativize(reportDir.toAbsolutePath().resolve("report.html"))
                            .toString());
        }

        /** The line of a drill that could not run at all. */
        public static Entry error(String drill, String title, String error, long durationMs) {
            return new Entry(drill, title, "ERROR", error, null, null, null, null, null, null, null, durationMs, null);
        }

        /** Whether the drill counts as passed (PASS, or NOT_APPLICABLE: nothing to hold against it). */
        public boolean passed() {
            return verdict.equals("PASS") || verdict.equals("NOT_APPLICABLE");
        }

        /** {@code 1.2s}, {@code 0s}, {@code never} (ran, did not recover) or {@code -} (not measured). */
        public String rto() {
            if (rtoMs != null) {
                return seconds(rtoMs);
            }
            return measured() ? "never" : "-";
        }

        public String rpo() {
            if (rpoMs != null) {
                return seconds(rpoMs);
            }
            return measured() ? "unknown" : "-";
        }

        /** {@code 0 of 546}, or {@code -}. */
        public String lost() {
            return lostWrites == null ? "-" : lostWrites + " of " + acknowledgedWrites;
        }

        private boolean measured() {
            return !verdict.equals("NOT_APPLICABLE") && !verdict.equals("ERROR") && report != null;
        }
    }

    /**
     * The suite.
     *
     * @param loadAverage the machine's one-minute load average at the start and at the end (how busy
     *     it was, which the numbers depend on), or null where the system does not say
     */
    public record Suite(
            String title,
            Instant startedAt,
            Instant endedAt,
            String platform,
            String hadrVersion,
            DrillReport.Machine machine,
            double[] loadAverage,
            List<Entry> drills) {

        public boolean passed() {
            return drills.stream().allMatch(Entry::passed);
        }
    }

    private SuiteReport() {}

    /** Writes index.html, summary.md, summary.json and junit.xml into {@code dir}; returns index.html. */
    public static Path write(Suite suite, List<DrillReport> reports, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.json"), ReportWriter.json(suite), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("summary.md"), markdown(suite), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("junit.xml"), ReportWriter.junit(reports), StandardCharsets.UTF_8);
            Path index = dir.resolve("index.html");
            Files.writeString(index, html(suite), StandardCharsets.UTF_8);
            return index;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The table in Markdown. */
    public static String markdown(Suite s) {
        StringBuilder md = new StringBuilder("# ").append(s.title()).append("\n\n");
        md.append(context(s)).append("\n\n");
        md.append("| drill | verdict | RTO | reads RTO | writes RTO | RPO | lost writes | in doubt | took |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Entry e : s.drills()) {
            md.append("| ")
                    .append(e.report() == null ? e.drill() : "[" + e.drill() + "](" + e.report() + ")")
                    .append(" | ")
                    .append(e.verdict())
                    .append(" | ")
                    .append(e.rto())
                    .append(" | ")
                    .append(ms(e.readsRtoMs()))
                    .append(" | ")
                    .append(ms(e.writesRtoMs()))
                    .append(" | ")
                    .append(e.rpo())
                    .append(" | ")
                    .append(e.lost())
                    .append(" | ")
                    .append(e.inDoubtWrites() == null ? "-" : e.inDoubtWrites())
                    .append(" | ")
                    .append(seconds(e.durationMs()))
                    .append(" |\n");
        }
        List<String> reasons = new ArrayList<>();
        for (Entry e : s.drills()) {
            if (e.reason() != null) {
                reasons.add("- **" + e.drill() + "** (" + e.verdict() + "): " + e.reason());
            }
        }
        if (!reasons.isEmpty()) {
            md.append('\n').append(String.join("\n", reasons)).append('\n');
        }
        return md.toString();
    }

    static String html(Suite s) {
        ReportWriter.Html h = new ReportWriter.Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .text(s.title())
                .raw("</title>\n<style>")
                .raw(STYLE)
                .raw("</style></head>\n<body>\n<h1>")
                .text(s.title())
                .raw("</h1>\n<p class=\"hint\">")
                .text(context(s))
                .raw("</p>\n<p><span class=\"verdict ")
                .raw(s.passed() ? "pass" : "fail")
                .raw("\">")
                .text(s.passed() ? "every drill held" : "a drill did not hold")
                .raw("</span></p>\n");
        h.raw("<table>\n<tr><th>drill</th><th>verdict</th><th>RTO</th><th>reads RTO</th><th>writes RTO</th><th>RPO</th>"
                + "<th>lost writes</th><th>in doubt</th><th>took</th></tr>\n");
        for (Entry e : s.drills()) {
            h.raw("<tr><td>");
            if (e.report() != null) {
                h.raw("<a href=\"").text(e.report()).raw("\">").text(e.drill()).raw("</a>");
            } else {
                h.text(e.drill());
            }
            h.raw("<br><span class=\"hint\">")
                    .text(e.title())
                    .raw("</span></td><td class=\"")
                    .raw(e.verdict().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .raw("\">")
                    .text(e.verdict().replace('_', ' '))
                    .raw("</td><td class=\"num\">")
                    .text(e.rto())
                    .raw("</td><td class=\"num\">")
                    .text(ms(e.readsRtoMs()))
                    .raw("</td><td class=\"num\">")
                    .text(ms(e.writesRtoMs()))
                    .raw("</td><td class=\"num\">")
                    .text(e.rpo())
                    .raw("</td><td class=\"num\">")
                    .text(e.lost())
                    .raw("</td><td class=\"num\">")
                    .text(e.inDoubtWrites() == null ? "-" : String.valueOf(e.inDoubtWrites()))
                    .raw("</td><td class=\"num\">")
                    .text(seconds(e.durationMs()))
                    .raw("</td></tr>\n");
            if (e.reason() != null) {
                h.raw("<tr><td></td><td colspan=\"8\" class=\"hint\">")
                        .text(e.reason())
                        .raw("</td></tr>\n");
            }
        }
        h.raw(
                "</table>\n<p class=\"hint\">RTO: from the fault to the first second of unbroken successes, for reads and for"
                        + " writes (the drill's RTO is the worse). RPO: the time span of acknowledged writes the database no longer"
                        + " has, counted one by one after the drill. Each drill's name links to its full report: timeline, phases,"
                        + " steps and the ids of any lost write.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String context(Suite s) {
        StringBuilder text = new StringBuilder("From ")
                .append(s.startedAt())
                .append(" to ")
                .append(s.endedAt())
                .append(" (")
                .append(seconds(Duration.between(s.startedAt(), s.endedAt()).toMillis()))
                .append("), platform ")
                .append(s.platform())
                .append(", hadr ")
                .append(s.hadrVersion());
        DrillReport.Machine m = s.machine();
        if (m != null) {
            text.append(", on ")
                    .append(m.hostname())
                    .append(" (")
                    .append(m.cores())
                    .append(" cores, ")
                    .append(m.java())
                    .append(')');
        }
        if (s.loadAverage() != null && s.loadAverage().length == 2) {
            text.append(String.format(
                    Locale.ROOT,
                    "; load average %.1f at the start, %.1f at the end",
                    s.loadAverage()[0],
                    s.loadAverage()[1]));
        }
        return text.append('.').toString();
    }

    private static String ms(Long ms) {
        return ms == null ? "-" : seconds(ms);
    }

    /** {@code 1.2s}, {@code 3s}. */
    public static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
            h1{font-weight:600;font-size:1.6rem}table{border-collapse:collapse;margin:1rem 0}
            td,th{padding:.3rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{color:#555;font-weight:600}
            td.num{text-align:right;font-variant-numeric:tabular-nums}.hint{color:#666;font-size:.9em}
            .verdict{display:inline-block;font-weight:700;padding:.2rem .8rem;border-radius:.3rem;color:#fff}
            .verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}
            td.pass{color:#2e7d32;font-weight:600}td.fail,td.error,td.aborted{color:#c62828;font-weight:600}td.not-applicable{color:#757575}
            """;
}
