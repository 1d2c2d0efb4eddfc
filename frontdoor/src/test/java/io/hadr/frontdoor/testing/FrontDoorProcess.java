package io.hadr.frontdoor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A front door in its own JVM ({@link FrontDoorMain}), started with the test's
 * classpath, for tests that need the proxy's memory alone, e.g. under a small heap.
 */
public final class FrontDoorProcess implements AutoCloseable {

    private final Process process;
    private final URI endpoint;
    private final StringBuffer stderr = new StringBuffer();

    private FrontDoorProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static FrontDoorProcess start(List<String> jvmOptions, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FrontDoorMain.class.getName());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).start();
        StringBuffer stderr = new StringBuffer();
        Thread errors = new Thread(() -> drain(process, stderr), "frontdoor-process-stderr");
        errors.setDaemon(true);
        errors.start();
        CompletableFuture<URI> listening = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("listening ")) {
                        return URI.create(line.substring("listening ".length()).trim());
                    }
                }
                throw new IllegalStateException("front door process ended before listening");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            URI endpoint = listening.get(30, TimeUnit.SECONDS);
            FrontDoorProcess started = new FrontDoorProcess(process, endpoint);
            started.stderr.append(stderr);
            return started;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("front door process did not start: " + e + "\nstderr:\n" + stderr, e);
        }
    }

    private static void drain(Process process, StringBuffer into) {
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                into.append(line).append('\n');
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
