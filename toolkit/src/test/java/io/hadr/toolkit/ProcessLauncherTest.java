package io.hadr.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLauncherTest {

    @Test
    void shouldReturnWhatAProgramPrinted() {
        try (ProcessLauncher launcher = new ProcessLauncher("test")) {
            assertThat(launcher.run(
                            List.of("sh", "-c", "echo out; echo err >&2"), RunAs.SELF, Duration.ofSeconds(30), null))
                    .isEqualTo("out\nerr\n");
        }
    }

    @Test
    void shouldNameTheExitCodeAndOutputOfAFailedProgram() {
        try (ProcessLauncher launcher = new ProcessLauncher("test")) {
            assertThatThrownBy(() -> launcher.run(
                            List.of("sh", "-c", "echo broken; exit 3"), RunAs.SELF, Duration.ofSeconds(30), null))
                    .isInstanceOfSatisfying(ProcessException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(3);
                        assertThat(e).hasMessage("sh -c echo broken; exit 3 failed with exit code 3: broken");
                    });
        }
    }

    @Test
    void shouldStopAProgramThatOutlivesItsDeadline() {
        try (ProcessLauncher launcher = new ProcessLauncher("test")) {
            assertThatThrownBy(() -> launcher.run(List.of("sleep", "30"), RunAs.SELF, Duration.ofMillis(200), null))
                    .hasMessage("sleep 30 did not finish within PT0.2S");
        }
    }

    @Test
    void shouldGiveLongLivedChildrenAParentDeathSignalWhereSetprivExists(@TempDir Path dir) throws Exception {
        try (ProcessLauncher launcher = new ProcessLauncher("test")) {
            Path out = dir.resolve("status");
            Process child = launcher.start(
                    new ProcessBuilder("sh", "-c", "grep -E '^(PPid|Sig)' /proc/self/status > " + out + "; sleep 30"),
                    RunAs.SELF);
            try {
                assertThat(child.isAlive()).isTrue();
                assertThat(launcher.tiesChildrenToParent())
                        .isEqualTo(ProcessLauncher.onPath("setpriv").isPresent());
                assertThat(ProcessLauncher.prefix(RunAs.SELF, true))
                        .containsSubsequence(
                                launcher.tiesChildrenToParent() ? List.of("--pdeathsig", "KILL") : List.of());
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void shouldRefuseToSwitchUserWithoutBothUserAndGroup() {
        assertThatThrownBy(() -> new RunAs("nobody", null)).hasMessageContaining("give both user and group");
    }

    @Test
    void shouldReadOnlyTheEndOfALog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);

        assertThat(LogTail.of(log, 2)).isEqualTo("  line 99998\n  line 99999");
        assertThat(LogTail.of(dir.resolve("missing.log"), 2)).contains("no log yet");
    }
}
