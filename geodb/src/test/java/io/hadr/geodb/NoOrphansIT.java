package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoOrphansIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldLeaveNoPostgresBehindWhenTheOwningJvmIsKilled() throws Exception {
        Path dataRoot = GeoDbHarness.dataRoot(tempDir);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // The child's log goes to a file of its own: merged into stdout, a log line written by another
        // thread could land in the middle of the PIDS line and hide it.
        Path childLog = tempDir.resolve("child.log");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        GeoDbChild.class.getName(),
                        dataRoot.toString())
                .redirectError(childLog.toFile())
                .start();
        List<Long> pids = new ArrayList<>();
        List<Long> backends = new ArrayList<>();
        try {
            CompletableFuture<String> pidLine = CompletableFuture.supplyAsync(() -> readPidLine(child));
            String line;
            try {
                line = pidLine.get(180, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(
                        "the child JVM printed no pids within 180 s; its log:\n" + Files.readString(childLog), e);
            }
            Arrays.stream(line.substring("PIDS ".length()).split(" "))
                    .map(Long::parseLong)
                    .forEach(pids::add);
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
        // Not closed here: once the pids are read, the drain thread owns the reader (closing it
        // would wait for the drain's lock, which it holds while the child stays silent).
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        try {
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
