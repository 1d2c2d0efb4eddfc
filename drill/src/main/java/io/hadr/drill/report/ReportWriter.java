package io.hadr.drill.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hadr.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Writes a drill's evidence into a directory: {@code report.json} (for programs; the contract),
 * {@code report.md} (for people and pull requests), {@code report.html} (one self-contained page
 * with the timeline chart, drawn by uPlot inlined from its WebJar, so it opens offline) and
 * {@code junit.xml} (so that CI pipelines run drills as tests).
 */
public final class ReportWriter {

    private ReportWriter() {}

    /** Writes the four files and returns the directory. */
    public static Path write(DrillReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("report.json"), json(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.md"), markdown(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), html(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("junit.xml"), junit(List.of(report)), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drill report into " + dir + ": " + e.getMessage(), e);
        }
    }

    public static String json(Object value) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report could not be turned into JSON", e);
        }
    }

    // ---- Markdown ------------------------------------------------------------------------------

    public static String markdown(DrillReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# Drill ").append(r.drill()).append(": ").append(r.title()).append("\n\n");
        md.append("**Verdict: ").append(r.verdict()).append("**");
        if (r.verdictReason() != null) {
            md.append(" — ").append(r.verdictReason());
        }
        md.append("\n\n");
        if (!r.description().isBlank()) {
            md.append(r.description().strip()).append("\n\n");
        }
        md.append("| | |\n|---|---|\n");
        md.append("| started | ").append(r.startedAt()).append(" |\n");
        md.append("| ended | ").append(r.endedAt()).append(" |\n");
        md.append("| platform | ").append(r.platform()).append(" |\n");
        md.append("| strategy | ").append(r.strategy()).append(" |\n");
        md.append("| topology | ")
                .append(r.topology().source())
                .append(" (")
                .append(r.topology().name())
                .append(") |\n");
        md.append("| endpoint | ").append(r.traffic().endpoint()).append(" |\n");
        md.append("| traffic | ")
                .append(num(r.traffic().readsPerSecond()))
                .append(" reads/s, ")
                .append(num(r.traffic().writesPerSecond()))
                .append(" writes/s |\n");
        md.append("| hadr | ").append(r.hadrVersion()).append(" |\n");
        md.append("| machine | ")
                .append(r.machine().hostname())
                .append(", ")
                .append(r.machine().os())
                .append(", ")
                .append(r.machine().cores())
                .append(" cores, ")
                .append(r.machine().memoryMb())
                .append(" MB, ")
                .append(r.machine().java())
                .append(" |\n\n");

        md.append("## Objectives\n\n| objective | target | measured | verdict | detail |\n|---|---|---|---|---|\n");
        for (DrillReport.Objective o : r.objectives()) {
            md.append("| ")
                    .append(o.name().toUpperCase(Locale.ROOT))
                    .append(" | ")
                    .append(o.target())
                    .append(" | ")
                    .append(o.measured())
                    .append(" | ")
                    .append(o.verdict())
                    .append(" | ")
                    .append(cell(o.detail()))
                    .append(" |\n");
        }
        md.append("\n## Traffic\n\n| | sent | ok | failed | RTO | by region |\n|---|---|---|---|---|---|\n");
        md.append("| reads | ")
                .append(r.reads().sent())
                .append(" | ")
                .append(r.reads().ok())
                .append(" | ")
                .append(r.reads().failed())
                .append(" | ")
                .append(ms(r.reads().rtoMs()))
                .append(" | ")
                .append(regions(r.reads().byRegion()))
                .append(" |\n");
        md.append("| writes | ")
                .append(r.writes().sent())
                .append(" | ")
                .append(r.writes().acknowledged())
                .append(" | ")
                .append(r.writes().failed())
                .append(" | ")
                .append(ms(r.writes().rtoMs()))
                .append(" | ")
                .append(regions(r.writes().byRegion()))
                .append(" |\n\n");
        DrillReport.Writes w = r.writes();
        if (w.readBackError() != null) {
            md.append("Writes could not be read back: ")
                    .append(w.readBackError())
                    .append("\n\n");
        } else if (w.lost() != null) {
            md.append("**Lost writes: ")
                    .append(w.lost())
                    .append("** of ")
                    .append(w.acknowledged())
                    .append(" acknowledged");
            if (w.lost() > 0) {
                md.append(", acknowledged from ")
                        .append(w.lostFrom())
                        .append(" to ")
                        .append(w.lostTo())
                        .append(" (span ")
                        .append(w.lostSpanMs())
                        .append(" ms); ids: ")
                        .append(ids(w.lostIds()));
            }
            md.append(". In doubt (not acknowledged, but present): ")
                    .append(w.inDoubt())
                    .append(". Check with `GET /api/records?writer=")
                    .append(w.writer())
                    .append("`.\n\n");
        }
        if (r.restore() != null) {
            DrillReport.Restore re = r.restore();
            md.append("## Point-in-time restore\n\n");
            md.append("Restore `")
                    .append(re.name())
                    .append("` to ")
                    .append(re.point())
                    .append(" (target ")
                    .append(re.target())
                    .append(", reached ")
                    .append(re.reached())
                    .append(") took ")
                    .append(re.durationMs())
                    .append(" ms. ");
            if (re.error() != null) {
                md.append("Not checked: ").append(re.error()).append("\n\n");
            } else {
                md.append(re.exact() ? "**Exact**" : "**Not exact**")
                        .append(": ")
                        .append(re.expectedRows())
                        .append(" rows acknowledged before the target, ")
                        .append(re.restoredRows())
                        .append(" rows restored, ")
                        .append(re.inFlightAtTarget())
                        .append(" in flight at the target; missing: ")
                        .append(ids(re.missingIds()))
                        .append("; from after the target: ")
                        .append(ids(re.unexpectedIds()))
                        .append("\n\n");
            }
        }
        md.append("## Phases\n\n| ms after the fault | phase | at |\n|---|---|---|\n");
        for (DrillReport.Phase p : r.phases()) {
            md.append("| ")
                    .append(p.atMs())
                    .append(" | ")
                    .append(p.name())
                    .append(p.fault() != null && p.fault() > 1 ? " (fault " + p.fault() + ")" : "")
                    .append(" | ")
                    .append(p.at())
                    .append(" |\n");
        }
        md.append("\n## Steps\n\n| # | step | status | at (ms) | took (ms) | detail |\n|---|---|---|---|---|---|\n");
        steps(md, r.steps());
        md.append("\n### Rollbacks (").append(r.rollbacksWhen()).append(")\n\n");
        if (r.rollbacks().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| # | step | status | at (ms) | took (ms) | detail |\n|---|---|---|---|---|---|\n");
            steps(md, r.rollbacks());
        }
        md.append("\n## Steady state\n\n| when | probe | measured | verdict |\n|---|---|---|---|\n");
        for (DrillReport.ProbeResult p : r.steadyStateBefore()) {
            md.append("| before | ")
                    .append(p.probe())
                    .append(" | ")
                    .append(p.measured())
                    .append(" | ")
                    .append(p.verdict())
                    .append(" |\n");
        }
        for (DrillReport.ProbeResult p : r.steadyStateAfter()) {
            md.append("| after | ")
                    .append(p.probe())
                    .append(" | ")
                    .append(p.measured())
                    .append(" | ")
                    .append(p.verdict())
                    .append(" |\n");
        }
        if (!r.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static void steps(StringBuilder md, List<DrillReport.StepResult> steps) {
        int i = 1;
        for (DrillReport.StepResult s : steps) {
            md.append("| ")
                    .append(i++)
                    .append(" | `")
                    .append(s.step())
                    .append('`')
                    .append(s.fault() ? " (fault)" : "")
                    .append(" | ")
                    .append(s.status())
                    .append(" | ")
                    .append(s.atMs() == null ? "" : s.atMs())
                    .append(" | ")
                    .append(s.durationMs() == null ? "" : s.durationMs())
                    .append(" | ")
                    .append(cell(s.detail()))
                    .append(" |\n");
        }
    }

    private static String ids(List<String> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        List<String> shown = ids.subList(0, Math.min(ids.size(), 50));
        return "`" + String.join("`, `", shown) + "`"
                + (ids.size() > shown.size()
                        ? " and " + (ids.size() - shown.size()) + " more (report.json has all)"
                        : "");
    }

    private static String regions(Map<String, Long> byRegion) {
        return byRegion.isEmpty()
                ? ""
                : String.join(
                        ", ",
                        byRegion.entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .toList());
    }

    private static String ms(Long ms) {
        return ms == null ? "never recovered" : ms + " ms";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String num(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    // ---- HTML ----------------------------------------------------------------------------------

    public static String html(DrillReport r) {
        Html h = new Html();
        h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>hadr drill ")
                .text(r.drill())
                .raw(" · ")
                .text(r.verdict())
                .raw("</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.raw("<style>\n").raw(UPlot.css()).raw("\n").raw(STYLE).raw("</style>\n</head>\n<body>\n");
        h.raw("<h1>Drill <code>")
                .text(r.drill())
                .raw("</code>: ")
                .text(r.title())
                .raw("</h1>\n");
        h.raw("<p class=\"verdict ")
                .text(r.verdict().toLowerCase(Locale.ROOT))
                .raw("\">")
                .text(r.verdict())
                .raw("</p>\n");
        if (r.verdictReason() != null) {
            h.raw("<p class=\"reason\">").text(r.verdictReason()).raw("</p>\n");
        }
        if (!r.description().isBlank()) {
            h.raw("<p>").text(r.description().strip()).raw("</p>\n");
        }
        h.raw(
                "<h2>Objectives</h2>\n<table id=\"objectives\"><tr><th>objective</th><th>target</th><th>measured</th><th>verdict</th><th>detail</th></tr>\n");
        for (DrillReport.Objective o : r.objectives()) {
            h.raw("<tr><td>")
                    .text(o.name().toUpperCase(Locale.ROOT))
                    .raw("</td><td>")
                    .text(o.target())
                    .raw("</td><td>")
                    .text(o.measured())
                    .raw("</td><td class=\"")
                    .text(o.verdict().toLowerCase(Locale.ROOT))
                    .raw("\">")
                    .text(o.verdict())
                    .raw("</td><td>")
                    .text(o.detail())
                    .raw("</td></tr>\n");
        }
        h.raw("</table>\n");
        h.raw("<h2>Timeline</h2>\n<p class=\"hint\">Requests per ")
                .text(String.valueOf(r.timeline().bucketMs()))
                .raw(
                        " ms, counted at the time each was sent, by the region that answered, and failures; seconds after the fault."
                                + " A request in flight when the fault came and failing after it shows just before the fault."
                                + " Dashed lines mark the phases.</p>\n");
        h.raw("<div id=\"chart-reads\" class=\"chart\"></div>\n<div id=\"chart-writes\" class=\"chart\"></div>\n");

        h.raw(
                "<h2>Traffic</h2>\n<table><tr><th></th><th>sent</th><th>ok</th><th>failed</th><th>RTO</th><th>by region</th><th>latency p50 / p99 / max</th></tr>\n");
        h.raw("<tr><td>reads</td><td>")
                .text(String.valueOf(r.reads().sent()))
                .raw("</td><td>")
                .text(String.valueOf(r.reads().ok()))
                .raw("</td><td>")
                .text(String.valueOf(r.reads().failed()))
                .raw("</td><td>")
                .text(ms(r.reads().rtoMs()))
                .raw("</td><td>")
                .text(regions(r.reads().byRegion()))
                .raw("</td><td>")
                .text(latency(r.reads().latency()))
                .raw("</td></tr>\n");
        h.raw("<tr><td>writes</td><td>")
                .text(String.valueOf(r.writes().sent()))
                .raw("</td><td>")
                .text(String.valueOf(r.writes().acknowledged()))
                .raw("</td><td>")
                .text(String.valueOf(r.writes().failed()))
                .raw("</td><td>")
                .text(ms(r.writes().rtoMs()))
                .raw("</td><td>")
                .text(regions(r.writes().byRegion()))
                .raw("</td><td>")
                .text(latency(r.writes().latency()))
                .raw("</td></tr>\n</table>\n");
        DrillReport.Writes w = r.writes();
        h.raw("<h2>Writes after the drill</h2>\n<p>");
        if (w.readBackError() != null) {
            h.raw("Could not be read back: ").text(w.readBackError());
        } else if (w.lost() != null) {
            h.raw("<strong>")
                    .text(w.lost() + " lost")
                    .raw("</strong> of ")
                    .text(String.valueOf(w.acknowledged()))
                    .raw(" acknowledged; ")
                    .text(w.inDoubt() + " in doubt (not acknowledged, but present). ");
            if (w.lost() > 0) {
                h.text("Lost writes were acknowledged from " + w.lostFrom() + " to " + w.lostTo() + " (span "
                        + w.lostSpanMs() + " ms).");
            }
            h.raw(" Writer <code>").text(w.writer()).raw("</code>.");
        }
        h.raw("</p>\n");
        if (!w.lostIds().isEmpty()) {
            h.raw("<details><summary>lost ids</summary><pre>")
                    .text(String.join("\n", w.lostIds()))
                    .raw("</pre></details>\n");
        }
        if (r.restore() != null) {
            DrillReport.Restore re = r.restore();
            h.raw("<h2>Point-in-time restore</h2>\n<p>Restore <code>")
                    .text(re.name())
                    .raw("</code> to ")
                    .text(re.point())
                    .raw(" (target ")
                    .text(String.valueOf(re.target()))
                    .raw(", reached ")
                    .text(String.valueOf(re.reached()))
                    .raw(") took ")
                    .text(re.durationMs() + " ms")
                    .raw(". ");
            if (re.error() != null) {
                h.text("Not checked: " + re.error());
            } else {
                h.raw("<strong>")
                        .text(re.exact() ? "Exact" : "Not exact")
                        .raw("</strong>: ")
                        .text(re.expectedRows()
                                + " rows acknowledged before the target, " + re.restoredRows() + " restored, "
                                + re.inFlightAtTarget()
                                + " in flight at the target, " + re.missingIds().size() + " missing, "
                                + re.unexpectedIds().size() + " from after it.");
            }
            h.raw("</p>\n");
        }
        h.raw("<h2>Phases</h2>\n<table><tr><th>ms after the fault</th><th>phase</th><th>at</th></tr>\n");
        for (DrillReport.Phase p : r.phases()) {
            h.raw("<tr><td class=\"num\">")
                    .text(String.valueOf(p.atMs()))
                    .raw("</td><td>")
                    .text(p.name() + (p.fault() != null && p.fault() > 1 ? " (fault " + p.fault() + ")" : ""))
                    .raw("</td><td>")
                    .text(String.valueOf(p.at()))
                    .raw("</td></tr>\n");
        }
        h.raw("</table>\n<h2>Steps</h2>\n");
        stepsTable(h, r.steps());
        h.raw("<h3>Rollbacks (").text(r.rollbacksWhen()).raw(")</h3>\n");
        stepsTable(h, r.rollbacks());
        h.raw("<h2>Steady state</h2>\n<table><tr><th>when</th><th>probe</th><th>measured</th><th>verdict</th></tr>\n");
        for (DrillReport.ProbeResult p : r.steadyStateBefore()) {
            h.raw("<tr><td>before</td><td>")
                    .text(p.probe())
                    .raw("</td><td>")
                    .text(p.measured())
                    .raw("</td><td>")
                    .text(p.verdict())
                    .raw("</td></tr>\n");
        }
        for (DrillReport.ProbeResult p : r.steadyStateAfter()) {
            h.raw("<tr><td>after</td><td>")
                    .text(p.probe())
                    .raw("</td><td>")
                    .text(p.measured())
                    .raw("</td><td>")
                    .text(p.verdict())
                    .raw("</td></tr>\n");
        }
        h.raw("</table>\n");
        if (!r.notes().isEmpty()) {
            h.raw("<h2>Notes</h2>\n<ul>");
            r.notes().forEach(n -> h.raw("<li>").text(n).raw("</li>"));
            h.raw("</ul>\n");
        }
        h.raw("<h2>Where and when</h2>\n<table>");
        row(h, "started", String.valueOf(r.startedAt()));
        row(h, "ended", String.valueOf(r.endedAt()));
        row(h, "platform", r.platform());
        row(h, "strategy", r.strategy());
        row(h, "endpoint", r.traffic().endpoint());
        row(h, "hadr", r.hadrVersion());
        row(
                h,
                "machine",
                r.machine().hostname() + ", " + r.machine().os() + " "
                        + r.machine().arch() + ", " + r.machine().cores() + " cores, "
                        + r.machine().memoryMb() + " MB, " + r.machine().java());
        row(h, "drill", r.source());
        h.raw("</table>\n<details><summary>topology</summary><pre>")
                .text(json(r.topology()))
                .raw("</pre></details>\n");
        h.raw("<script type=\"application/json\" id=\"report-data\">")
                .raw(scriptSafe(json(r.timeline())))
                .raw("</script>\n<script type=\"application/json\" id=\"report-phases\">")
                .raw(scriptSafe(json(r.phases())))
                .raw("</script>\n");
        h.raw("<script>\n")
                .raw(ERROR_HOOK)
                .raw("</script>\n<script>\n")
                .raw(UPlot.js())
                .raw("\n</script>\n<script>\n")
                .raw(CHART)
                .raw("</script>\n");
        h.raw("</body></html>\n");
        return h.toString();
    }

    private static void stepsTable(Html h, List<DrillReport.StepResult> steps) {
        if (steps.isEmpty()) {
            h.raw("<p>None.</p>\n");
            return;
        }
        h.raw(
                "<table><tr><th>#</th><th>step</th><th>status</th><th>at (ms)</th><th>took (ms)</th><th>detail</th></tr>\n");
        int i = 1;
        for (DrillReport.StepResult s : steps) {
            h.raw("<tr><td>")
                    .text(String.valueOf(i++))
                    .raw("</td><td><code>")
                    .text(s.step())
                    .raw("</code>")
                    .raw(s.fault() ? " <span class=\"fault\">fault</span>" : "")
                    .raw("</td><td class=\"")
                    .text(s.status().replace(' ', '-'))
                    .raw("\">")
                    .text(s.status())
                    .raw("</td><td class=\"num\">")
                    .text(s.atMs() == null ? "" : String.valueOf(s.atMs()))
                    .raw("</td><td class=\"num\">")
                    .text(s.durationMs() == null ? "" : String.valueOf(s.durationMs()))
                    .raw("</td><td>")
                    .text(s.detail() == null ? "" : s.detail())
                    .raw("</td></tr>\n");
        }
        h.raw("</table>\n");
    }

    private static void row(Html h, String key, String value) {
        h.raw("<tr><th>").text(key).raw("</th><td>").text(value).raw("</td></tr>");
    }

    private static String latency(DrillReport.Latency l) {
        return l.p50Ms() == null ? "" : l.p50Ms() + " / " + l.p99Ms() + " / " + l.maxMs() + " ms";
    }

    /** JSON inside a script element must not close it. */
    static String scriptSafe(String json) {
        return json.replace("</", "<\\/").replace("<!--", "<\\!--");
    }

    /** Text escaped for HTML. */
    static final class Html {
        private final StringBuilder out = new StringBuilder(256 * 1024);

        Html raw(String text) {
            out.append(text);
            return this;
        }

        Html text(String text) {
            if (text == null) {
                return this;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&#39;");
                    default -> out.append(c);
                }
            }
            return this;
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
            h1{font-weight:600;font-size:1.6rem}h2{margin-top:2rem;font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
            table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
            th{color:#555;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .verdict{display:inline-block;font-weight:700;font-size:1.3rem;padding:.2rem .8rem;border-radius:.3rem;color:#fff}
            .verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.aborted{background:#ef6c00}.verdict.not_applicable{background:#757575}
            td.pass{color:#2e7d32;font-weight:600}td.fail,td.failed{color:#c62828;font-weight:600}td.not-applicable,td.skipped{color:#757575}
            .fault{background:#c62828;color:#fff;border-radius:.2rem;padding:0 .3rem;font-size:.8em}
            .hint{color:#666;font-size:.9em}.chart{margin:1rem 0}pre{background:#f6f6f6;padding:.7rem;overflow:auto;max-height:30rem}
            code{background:#f3f3f3;padding:0 .2rem}
            """;

    /** Records any script error on the body, where a headless browser (and a person's dev tools) can see it. */
    private static final String ERROR_HOOK = """
            window.onerror = function (message, source, line) {
              document.body.setAttribute('data-js-error', String(message) + ' at line ' + line);
            };
            window.addEventListener('unhandledrejection', function (e) {
              document.body.setAttribute('data-js-error', 'unhandled rejection: ' + e.reason);
            });
            """;

    /** Draws one chart per traffic kind with uPlot; marks the phases; counts drawn charts on the body. */
    private static final String CHART = """
            (function () {
              var data = JSON.parse(document.getElementById('report-data').textContent);
              var phases = JSON.parse(document.getElementById('report-phases').textContent);
              var palette = ['#1565c0', '#2e7d32', '#6a1b9a', '#00838f', '#ef6c00', '#4e342e'];
              var drawn = 0;
              function phaseMarks(u) {
                var ctx = u.ctx;
                ctx.save();
                ctx.font = (10 * devicePixelRatio) + 'px sans-serif';
                ctx.textAlign = 'left';
                ctx.textBaseline = 'alphabetic';
                ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
                var other = u.hadrKind === 'reads' ? '(writes)' : '(reads)';
                var rowEnds = [];
                phases.forEach(function (p) {
                  if (p.name.indexOf(other) >= 0) return;
                  var x = Math.round(u.valToPos(p.atMs / 1000, 'x', true));
                  if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
                  ctx.strokeStyle = p.name.indexOf('fault') === 0 ? '#c62828' : '#888';
                  ctx.beginPath();
                  ctx.moveTo(x, u.bbox.top);
                  ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                  // Each label takes the first row where it does not run into the previous one.
                  var width = ctx.measureText(p.name).width + 6 * devicePixelRatio;
                  var row = 0;
                  while (rowEnds[row] !== undefined && rowEnds[row] > x) row++;
                  rowEnds[row] = x + width;
                  ctx.fillStyle = '#444';
                  ctx.fillText(p.name, x + 3 * devicePixelRatio, u.bbox.top + (row + 1) * 12 * devicePixelRatio);
                });
                ctx.restore();
              }
              function draw(kind, el) {
                var s = data[kind];
                var regions = Object.keys(s.ok);
                var total = s.failed.reduce(function (a, b) { return a + b; }, 0);
                regions.forEach(function (r) { total += s.ok[r].reduce(function (a, b) { return a + b; }, 0); });
                if (total === 0) { el.style.display = 'none'; return; }
                var xs = data.times.map(function (t) { return t / 1000; });
                var series = [{label: 's after the fault'}];
                var columns = [xs];
                regions.forEach(function (r, i) {
                  series.push({label: kind + ' ok · ' + r, stroke: palette[i % palette.length], width: 2});
                  columns.push(s.ok[r]);
                });
                series.push({label: kind + ' failed', stroke: '#c62828', fill: 'rgba(198,40,40,0.15)', width: 2});
                columns.push(s.failed);
                var width = Math.max(600, Math.min(1060, el.clientWidth || 1000));
                var plot = new uPlot({
                  title: kind + ' per ' + data.bucketMs + ' ms',
                  width: width, height: 300,
                  scales: {x: {time: false}},
                  axes: [{label: 'seconds after the fault'}, {label: 'requests'}],
                  series: series,
                  hooks: {init: [function (u) { u.hadrKind = kind; }], draw: [function (u) {
                    phaseMarks(u);
                    drawn++;
                    document.body.setAttribute('data-charts-drawn', String(drawn));
                  }]}
                }, columns, el);
              }
              draw('reads', document.getElementById('chart-reads'));
              draw('writes', document.getElementById('chart-writes'));
              document.body.setAttribute('data-charts-expected', String(['reads', 'writes'].filter(function (k) {
                return document.getElementById('chart-' + k).style.display !== 'none';
              }).length));
            })();
            """;

    /** uPlot's script and stylesheet, read from its WebJar on the class path. */
    static final class UPlot {
        private static final String BASE;

        static {
            Properties pom = new Properties();
            try (InputStream in =
                    ReportWriter.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
                if (in == null) {
                    throw new IllegalStateException("uPlot's WebJar (org.webjars.npm:uplot) is not on the class path");
                }
                pom.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            BASE = "/META-INF/resources/webjars/uplot/" + pom.getProperty("version") + "/dist/";
        }

        static String js() {
            return read("uPlot.iife.min.js");
        }

        static String css() {
            return read("uPlot.min.css");
        }

        private static String read(String file) {
            try (InputStream in = ReportWriter.class.getResourceAsStream(BASE + file)) {
                if (in == null) {
                    throw new IllegalStateException(BASE + file + " is missing from uPlot's WebJar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- JUnit XML -----------------------------------------------------------------------------

    /** One test suite per drill: objectives, expectations and steps, steady-state probes as test cases. */
    public static String junit(List<DrillReport> reports) {
        StringBuilder xml =
                new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hadr drills\">\n");
        for (DrillReport r : reports) {
            StringBuilder cases = new StringBuilder();
            int tests = 0;
            int failures = 0;
            int skipped = 0;
            String suite = "drill." + r.drill();
            if (r.verdict().equals("NOT_APPLICABLE")) {
                cases.append(testCase(suite, "drill " + r.drill(), 0, null, r.verdictReason()));
                tests++;
                skipped++;
            }
            for (DrillReport.Objective o : r.objectives()) {
                String failure = o.verdict().equals("PASS")
                        ? null
                        : o.name().toUpperCase(Locale.ROOT) + " " + o.measured() + " against the objective "
                                + o.target() + ": " + o.detail();
                cases.append(testCase(suite, "objective " + o.name() + " ≤ " + o.target(), 0, failure, null));
                tests++;
                failures += failure == null ? 0 : 1;
            }
            for (DrillReport.ProbeResult p : r.steadyStateBefore()) {
                String failure = p.verdict().equals("PASS") ? null : p.measured();
                cases.append(testCase(suite, "steady state before: " + p.probe(), 0, failure, null));
                tests++;
                failures += failure == null ? 0 : 1;
            }
            int n = 1;
            for (DrillReport.StepResult s : r.steps()) {
                String failure = s.status().equals("failed") || s.status().equals("aborted") ? s.detail() : null;
                String skip = s.status().equals("not applicable")
                                || s.status().equals("skipped")
                                || s.status().equals("not started")
                        ? s.status() + (s.detail() == null ? "" : ": " + s.detail())
                        : null;
                cases.append(testCase(
                        suite,
                        "step " + n++ + ": " + s.step(),
                        s.durationMs() == null ? 0 : s.durationMs(),
                        failure,
                        skip));
                tests++;
                failures += failure == null ? 0 : 1;
                skipped += skip == null ? 0 : 1;
            }
            for (DrillReport.ProbeResult p : r.steadyStateAfter()) {
                String failure = p.verdict().equals("PASS") ? null : p.measured();
                cases.append(testCase(suite, "steady state after: " + p.probe(), 0, failure, null));
                tests++;
                failures += failure == null ? 0 : 1;
            }
            if (r.verdict().equals("ABORTED")) {
                cases.append(testCase(suite, "drill " + r.drill() + " ran to the end", 0, r.verdictReason(), null));
                tests++;
                failures++;
            }
            double seconds =
                    java.time.Duration.between(r.startedAt(), r.endedAt()).toMillis() / 1000.0;
            xml.append("  <testsuite name=\"")
                    .append(attr(suite))
                    .append("\" tests=\"")
                    .append(tests)
                    .append("\" failures=\"")
                    .append(failures)
                    .append("\" errors=\"0\" skipped=\"")
                    .append(skipped)
                    .append("\" time=\"")
                    .append(String.format(Locale.ROOT, "%.3f", seconds))
                    .append("\" timestamp=\"")
                    .append(r.startedAt())
                    .append("\">\n")
                    .append(cases)
                    .append("  </testsuite>\n");
        }
        return xml.append("</testsuites>\n").toString();
    }

    private static String testCase(String suite, String name, long ms, String failure, String skipped) {
        StringBuilder c = new StringBuilder("    <testcase classname=\"")
                .append(attr(suite))
                .append("\" name=\"")
                .append(attr(name))
                .append("\" time=\"")
                .append(String.format(Locale.ROOT, "%.3f", ms / 1000.0))
                .append('"');
        if (failure == null && skipped == null) {
            return c.append("/>\n").toString();
        }
        c.append(">\n");
        if (failure != null) {
            c.append("      <failure message=\"").append(attr(failure)).append("\"/>\n");
        } else {
            c.append("      <skipped message=\"").append(attr(skipped)).append("\"/>\n");
        }
        return c.append("    </testcase>\n").toString();
    }

    private static String attr(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;")
                        .replace("\n", "&#10;");
    }
}
