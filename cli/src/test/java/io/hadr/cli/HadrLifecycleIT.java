package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole environments coming and going, and the commands that need none: each test in its own directory. */
class HadrLifecycleIT {

    @TempDir
    Path workDir;

    private Cli cli;
    private final List<Long> startedPids = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        // PostgreSQL runs as nobody when tests run as root: it must be able to reach the state directory.
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new Cli(workDir);
        Files.writeString(workDir.resolve("hadr.yaml"), HadrCommandIT.TOPOLOGY);
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("down");
        for (long pid : startedPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void downLeavesNoProcessBehind() throws Exception {
        List<Long> pids = HadrCommandIT.pids(up());

        Cli.Result down = cli.run("down");

        assertThat(down.exitCode()).as(down.toString()).isZero();
        assertThat(down.out()).contains("stopped in");
        assertThat(pids)
                .allSatisfy(pid -> assertThat(alive(pid)).as("pid " + pid).isFalse());
        Cli.Result status = cli.run("status");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).contains("no environment is running");
    }

    @Test
    void killingTheEnvironmentWithSigkillLeavesNoAppBehind() throws Exception {
        JsonNode status = up();
        long environmentPid = status.path("pid").asLong();
        List<Long> appPids = HadrCommandIT.pids(status);
        assertThat(appPids).hasSize(2);

        ProcessHandle.of(environmentPid).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(appPids)
                        .allSatisfy(pid ->
                                assertThat(alive(pid)).as("app pid " + pid).isFalse()));
        Cli.Result after = cli.run("status");
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.err()).contains("no environment is running");
    }

    @Test
    void commandsWithoutARunningEnvironmentSaySoPlainly() throws Exception {
        Cli.Result status = cli.run("status");
        Cli.Result app = cli.run("app", "stop", "centralindia");
        Cli.Result down = cli.run("down");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err().strip())
                .startsWith("hadr: no environment is running from")
                .doesNotContain("Exception");
        assertThat(app.exitCode()).isEqualTo(1);
        assertThat(app.err()).contains("no environment is running");
        assertThat(down.exitCode()).isZero();
        assertThat(down.out()).contains("nothing to stop");
    }

    @Test
    void validateReportsEveryProblemWithFileAndLine() throws Exception {
        Files.writeString(workDir.resolve("bad.yaml"), """
                regions:
                  - id: centralindia
                    role: primary
                  - id: southindia
                    role: primary
                frontDoor:
                  origins:
                    southindia: {priority: 9}
                """);

        Cli.Result result = cli.run("validate", "-f", "bad.yaml");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("bad.yaml:5: regions[1].role: a second primary")
                .contains("bad.yaml:8: frontDoor.origins.southindia.priority: 9 is out of range")
                .contains("2 problems; nothing was started")
                .doesNotContain("Exception");
        assertThat(cli.run("validate").out()).contains("hadr.yaml is valid");
    }

    @Test
    void badUsageExitsWithTwoAndErrorsExitWithOne() throws Exception {
        Cli.Result usage = cli.run("app", "explode", "centralindia");
        Cli.Result missing = cli.run("up", "-f", "nope.yaml");
        Cli.Result verbose = cli.run("up", "-f", "nope.yaml", "--verbose");

        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("Try 'hadr app --help'");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip())
                .isEqualTo(
                        "hadr: nope.yaml: no such file; check the path, or leave out -f to use the built-in topology");
        assertThat(verbose.err()).contains("TopologyException").contains("\tat ");
    }

    @Test
    void versionAndHelpWork() throws Exception {
        assertThat(cli.run("version").out()).startsWith("hadr 0.");
        Cli.Result help = cli.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("up")
                .contains("status")
                .contains("down")
                .contains("app")
                .contains("validate");
    }

    private JsonNode up() throws Exception {
        Cli.Result up = cli.run("up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        JsonNode status = HadrCommandIT.status(cli);
        startedPids.add(status.path("pid").asLong());
        startedPids.addAll(HadrCommandIT.pids(status));
        return status;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
