package io.hadr.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged app jar running as a real process, the way App Service runs a Java SE app. */
final class AppProcess implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final Path log;

    private AppProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static AppProcess start(Map<String, String> env) throws IOException, InterruptedException {
        Path jar = Path.of("target", "hadr-app.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing; run mvn package first");
        }
        int port = freePort();
        Path log = Files.createTempFile("hadr-app-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-jar",
                jar.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().putAll(env);
        AppProcess app = new AppProcess(builder.start(), port, log);
        app.awaitHealthy();
        return app;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClientHolder holder = new HttpClientHolder()) {
            return holder.client.send(
                    request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Waits until readiness answers 200: the database answers and the schema is migrated. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> ready = get("/health/ready");
            if (ready.statusCode() == 200) {
                return;
            }
            last = ready.statusCode() + " " + ready.body();
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "app not ready after " + timeout.toSeconds() + " s; readiness said " + last + "\n" + log());
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        Exception lastCause = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "app exited with " + process.exitValue() + " before it was healthy:\n" + log());
            }
            try {
                // Any answer means the server is up (a locked-down app answers 403).
                get("/health");
                return;
            } catch (IOException e) {
                lastCause = e;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("app not healthy on port " + port + " after " + START_DEADLINE.toSeconds()
                + " s (last error: " + lastCause + "):\n" + log());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** JDK 17's HttpClient is not AutoCloseable; a fresh one per call keeps connections out of the way. */
    private static final class HttpClientHolder implements AutoCloseable {
        final HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        @Override
        public void close() {}
    }
}
