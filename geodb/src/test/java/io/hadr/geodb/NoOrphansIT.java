package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoOrphansIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldLeaveNoPostgresBehindWhenTheOwningJvmIsKilled() throws Exception {
        Path dataRoot = GeoDbHarness.dataRoot(tempDir);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                GeoDbChild.class.getName(), dataRoot.toString())
                .redirectErrorStream(true)
                .start();
        List<Long> pids = new ArrayList<>();
        List<Long> backends = new ArrayList<>();
        try {
            CompletableFuture<String> pidLine = CompletableFuture.supplyAsync(() -> readPidLine(child));
            String line = pidLine.get(180, TimeUnit.SECONDS);
            Arrays.stream(line.substring("PIDS ".length()).split(" ")).map(Long::parseLong).forEach(pids::add);
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> backends.add(d.pid())));
            }
            assertThat(pids).hasSize(2).allMatch(GeoDbHarness::alive);
            assertThat(backends).isNotEmpty();

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            child.waitFor(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(pids).noneMatch(GeoDbHarness::alive);
                assertThat(backends).noneMatch(GeoDbHarness::alive);
            });
        } finally {
            child.destroyForcibly();
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String readPidLine(Process child) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PIDS ")) {
                    // Keep draining the child's output so it never blocks on a full pipe.
                    Thread drain = new Thread(() -> {
                        try {
                            while (out.readLine() != null) {
                                // discard
                            }
                        } catch (java.io.IOException e) {
                            // child gone
                        }
                    });
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                }
                seen.append(line).append('\n');
            }
            throw new IllegalStateException("the child JVM ended without printing its pids:\n" + seen);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
