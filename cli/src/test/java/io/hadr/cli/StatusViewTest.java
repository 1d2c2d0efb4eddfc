package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.EnvironmentStatus.AppStatus;
import io.hadr.core.platform.EnvironmentStatus.Healing;
import io.hadr.core.platform.RegionAction;
import io.hadr.local.AppActionResult;
import io.hadr.local.AppState;
import io.hadr.local.RegionActionResult;
import io.hadr.local.ScaleResult;
import io.hadr.toolkit.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What people read is made from the records, in the CLI only. */
class StatusViewTest {

    private static final String ID = "3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69";
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));

    @Test
    void shouldShowTheEndpointAndTheFrontDoorIdForDirectRequests() {
        String text = render(app("running", 0, null, null));

        assertThat(text)
                .contains("endpoint: http://127.0.0.1:8080 · front door id " + ID)
                .contains("send it as X-Azure-FDID to reach an app directly");
    }

    @Test
    void shouldShowTheAppsJvmOptionsAndWhatTheQuickStartChoiceCosts() {
        List<String> quick = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

        assertThat(StatusView.jvmLine("local", quick))
                .isEqualTo("app JVM options: -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 · quick start:"
                        + " C1 JIT only (ready sooner, about a fifth less throughput); app.jvmOptions"
                        + " [\"-XX:TieredStopAtLevel=4\"] gives the full JIT");
        List<String> fullJit = new java.util.ArrayList<>(quick);
        fullJit.add("-XX:TieredStopAtLevel=4");
        assertThat(StatusView.jvmLine("local", fullJit))
                .isEqualTo("app JVM options: -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                        + " -XX:TieredStopAtLevel=4");
        assertThat(StatusView.jvmLine("azure", List.of()))
                .isEqualTo("app JVM options: none (JAVA_OPTS, on top of App Service's defaults)");
    }

    @Test
    void shouldSayWhenACrashedAppWillBeRestarted() {
        String text = render(app(
                "crashed",
                2,
                "was killed by signal 9 at 2030-01-01T09:59:59Z",
                new Healing(1, clock.instant().plusSeconds(2), false)));

        assertThat(text)
                .contains("! app southindia-0 was killed by signal 9 at 2030-01-01T09:59:59Z; restarting it in 2.0 s");
    }

    @Test
    void shouldReportAnAppThatKeepsCrashing() {
        String text =
                render(app("crashed", 2, "exited with code 1 at 2030-01-01T09:59:59Z", new Healing(3, null, true)));

        assertThat(text)
                .contains("! app southindia-0 crashed 3 times in a short while and is no longer restarted")
                .contains("then 'hadr app start southindia'");
    }

    @Test
    void shouldTellHowToStartAnAppKilledOnPurpose() {
        String text = render(
                app("crashed", 0, "was killed by signal 9 at 2030-01-01T09:59:59Z", new Healing(0, null, false)));

        assertThat(text).contains("'hadr app start southindia' starts it again");
    }

    @Test
    void shouldPutActionResultsIntoWords() {
        AppActionResult stop = new AppActionResult(
                "centralindia",
                AppAction.STOP,
                List.of(
                        new AppActionResult.InstanceResult(
                                "centralindia-0",
                                "http://127.0.0.1:8101",
                                AppState.RUNNING,
                                AppState.STOPPED,
                                Duration.ofMillis(1500),
                                null),
                        new AppActionResult.InstanceResult(
                                "centralindia-1",
                                "http://127.0.0.1:8102",
                                AppState.STOPPED,
                                AppState.STOPPED,
                                null,
                                null)));
        RegionActionResult down = new RegionActionResult(
                "southindia",
                RegionAction.DOWN,
                List.of(new AppActionResult.InstanceResult(
                        "southindia-0", "http://127.0.0.1:8103", AppState.RUNNING, AppState.CRASHED, null, null)),
                new RegionActionResult.ServerChange(
                        "southindia", "secondary", "running", "down", Duration.ofMillis(90)),
                Duration.ofMillis(120));

        assertThat(ActionView.lines(stop))
                .containsExactly("stopped app centralindia-0 in 1.5 s", "app centralindia-1 was already stopped");
        assertThat(ActionView.lines(down))
                .containsExactly(
                        "killed app southindia-0 (SIGKILL)", "killed database server southindia (secondary, SIGKILL)");
    }

    @Test
    void databaseLineShowsTheBackupRpoTheRestorableRangeAndEveryBackupProblem() {
        EnvironmentStatus.BackupSummary backups = new EnvironmentStatus.BackupSummary(
                true,
                "centralindia",
                1200L,
                4096L,
                300L,
                Instant.parse("2026-11-27T10:00:00Z"),
                Instant.parse("2026-11-27T11:00:00Z"),
                Instant.parse("2026-11-27T10:00:00Z"),
                "7d",
                "60s",
                List.of(
                        "archiving on 'centralindia' fails (last failure: 000000010000000000000007 at 11:00); see its postgres.log"));
        EnvironmentStatus.DatabaseStatus db = new EnvironmentStatus.DatabaseStatus(
                "centralindia",
                "southindia",
                "steady",
                "127.0.0.1:5443",
                "centralindia",
                "127.0.0.1:5444",
                "southindia",
                "async",
                false,
                0L,
                0L,
                "manual",
                null,
                List.of(),
                null,
                List.of(),
                null,
                backups);
        StringWriter text = new StringWriter();

        StatusView.DatabaseView.print(db, new PrintWriter(text));

        assertThat(text.toString())
                .contains("backups: RPO now 1200 ms (archive lag; archive timeout 60s), geo-copy lag 300 ms, "
                        + "restorable from 2026-11-27T10:00:00Z to 2026-11-27T11:00:00Z, retention 7d")
                .contains("! backups: archiving on 'centralindia' fails");
    }

    @Test
    void shouldShowALinkThatIsCutAndWhatItHolds() {
        EnvironmentStatus.LinkStatus link = new EnvironmentStatus.LinkStatus(
                10.0,
                true,
                Instant.parse("2030-01-01T09:59:00Z"),
                3,
                List.of(
                        new EnvironmentStatus.LinkDirection("centralindia", "southindia", 50L << 20, 64 * 1024),
                        new EnvironmentStatus.LinkDirection("southindia", "centralindia", 2048, 0)));

        String text = render(status(List.of(app("running", 0, null, null)), link));

        assertThat(text)
                .contains("link centralindia <-> southindia: 10 ms one way, PARTITIONED since 2030-01-01T09:59:00Z"
                        + " (nothing crosses; 'hadr link heal' ends it), 3 connections; centralindia -> southindia 50 MiB delivered,"
                        + " 64 KiB held; southindia -> centralindia 2048 B delivered");
    }

    @Test
    void shouldSayHowToStartARegionScaledToZero() {
        String text = render(status(List.of(), null));

        assertThat(text)
                .contains("! southindia runs no app instance (scaled to 0, as a warm or cold standby);"
                        + " 'hadr app scale southindia N' starts N");
    }

    @Test
    void shouldPutAScaleIntoWords() {
        ScaleResult out = new ScaleResult(
                "southindia",
                1,
                2,
                List.of(
                        new AppActionResult.InstanceResult(
                                "southindia-0",
                                "http://127.0.0.1:8102",
                                AppState.RUNNING,
                                AppState.RUNNING,
                                null,
                                null),
                        new AppActionResult.InstanceResult(
                                "southindia-1",
                                "http://127.0.0.1:40123",
                                AppState.STOPPED,
                                AppState.RUNNING,
                                null,
                                Duration.ofMillis(6200))),
                List.of(),
                Duration.ofMillis(6300));
        ScaleResult in = new ScaleResult(
                "southindia",
                2,
                0,
                List.of(),
                List.of(new AppActionResult.InstanceResult(
                        "southindia-0",
                        "http://127.0.0.1:8102",
                        AppState.RUNNING,
                        AppState.STOPPED,
                        Duration.ofMillis(400),
                        null)),
                Duration.ofMillis(450));

        assertThat(ActionView.lines(out))
                .containsExactly(
                        "app southindia-0 was already running",
                        "started app southindia-1 on http://127.0.0.1:40123, healthy after 6.2 s; it gets traffic once the front door's"
                                + " probes pass",
                        "scaled southindia from 1 to 2 instances in 6.3 s");
        assertThat(ActionView.lines(in))
                .containsExactly(
                        "removed app southindia-0 from the front door and stopped it (drained and stopped in 400 ms)",
                        "scaled southindia from 2 to 0 instances in 450 ms");
    }

    private EnvironmentStatus status(List<AppStatus> apps, EnvironmentStatus.LinkStatus link) {
        return new EnvironmentStatus(
                "local",
                "hadr",
                "active-passive",
                "built-in topology",
                "http://127.0.0.1:8080",
                ID,
                clock.instant(),
                42L,
                List.of(new EnvironmentStatus.RegionStatus("southindia", "South India", "secondary", apps, null)),
                null,
                List.of(),
                link,
                null);
    }

    private String render(EnvironmentStatus status) {
        StringWriter text = new StringWriter();
        StatusView.print(status, new PrintWriter(text), clock);
        return text.toString();
    }

    private String render(AppStatus app) {
        EnvironmentStatus status = new EnvironmentStatus(
                "local",
                "hadr",
                "active-passive",
                "built-in topology",
                "http://127.0.0.1:8080",
                ID,
                clock.instant(),
                42L,
                List.of(new EnvironmentStatus.RegionStatus(
                        "southindia", "South India", "secondary", List.of(app), null)),
                null,
                List.of(),
                null,
                null);
        StringWriter text = new StringWriter();
        StatusView.print(status, new PrintWriter(text), clock);
        return text.toString();
    }

    private static AppStatus app(String state, int restarts, String lastExit, Healing healing) {
        return new AppStatus(
                "southindia-0",
                "http://127.0.0.1:8102",
                state,
                null,
                null,
                restarts,
                lastExit,
                "/tmp/app-southindia-0.log",
                healing);
    }
}
