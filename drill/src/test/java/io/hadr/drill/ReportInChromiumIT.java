package io.hadr.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.hadr.core.topology.TopologyLoader;
import io.hadr.drill.spec.DrillParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a real drill's report.html in headless Chromium, offline, and checks that no script
 * failed and that the charts were drawn: the page records both on its body, which
 * {@code --dump-dom} shows.
 */
class ReportInChromiumIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    @Test
    void shouldOpenTheHtmlReportWithoutScriptErrorsAndWithItsChartsDrawn() throws Exception {
        // The report is for people who open it in a browser: without one this test cannot say
        // that it works, so a missing Chromium is a failure that says how to get it, not a skip.
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the HTML report is checked in a real browser; install it with"
                    + " 'apt-get install -y chromium' (.ci/run does this)");
        }
        Path html;
        try (FakeEnvironment env = new FakeEnvironment(TopologyLoader.builtIn(), Duration.ofMillis(400))) {
            DrillResult result = DrillRunner.run(
                    DrillParser.parse(
                            "browser", "browser.yaml", """
                    title: a short outage, for the browser
                    steadyState:
                      window: 1s
                    method:
                      - app stop primary
                      - expect reads served from secondary within 20s
                      - app start primary
                      - expect reads include primary within 20s
                    """, env.platform().topology()),
                    env.platform(),
                    RunOptions.builder()
                            // Kept under target/ so that a person can open the page the browser opened.
                            .reportDir(Path.of("target", "report-in-chromium"))
                            .build());
            html = result.reportDir().resolve("report.html");
        }
        assertThat(Files.readString(html)).doesNotContain("<script src=").doesNotContain("<link ");

        String dom = dumpDom(html);

        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertThat(body.find())
                .as("a body in:\n" + dom.substring(0, Math.min(2000, dom.length())))
                .isTrue();
        String attributes = body.group(1);
        assertThat(attributes).doesNotContain("data-js-error");
        int expected = attribute(attributes, "data-charts-expected");
        assertThat(expected).isEqualTo(2);
        assertThat(attribute(attributes, "data-charts-drawn")).isGreaterThanOrEqualTo(expected);
        assertThat(dom).contains("class=\"uplot");
    }

    private String dumpDom(Path html) throws Exception {
        Path profile = Files.createDirectory(dir.resolve("chromium-profile"));
        Path out = dir.resolve("dom.html");
        Path err = dir.resolve("chromium.log");
        Process chromium = new ProcessBuilder(List.of(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + profile,
                        "--virtual-time-budget=5000",
                        "--dump-dom",
                        html.toUri().toString()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
                fail("Chromium did not finish within 90 s; its log:\n" + Files.readString(err));
            }
        } finally {
            // Chromium starts helper processes of its own; none may outlive the test.
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(chromium.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static int attribute(String attributes, String name) {
        Matcher m = Pattern.compile(name + "=\"(\\d+)\"").matcher(attributes);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
