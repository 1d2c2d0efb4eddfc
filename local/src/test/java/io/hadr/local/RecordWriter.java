package io.hadr.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady stream of writes through the front door, like a drill's: every write has a client-made
 * id and sequence number, and every acknowledgement (2xx) is remembered so that a read-back can
 * count exactly what was lost.
 */
final class RecordWriter implements AutoCloseable {

    private final URI endpoint;
    private final String writer;
    private final Duration pause;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    RecordWriter(URI endpoint, String writer, Duration pause) {
        this.endpoint = endpoint;
        this.writer = writer;
        this.pause = pause;
        this.thread = new Thread(this::run, "record-writer-" + writer);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long seq = 0;
        while (running.get()) {
            seq++;
            String id = writer + "-" + seq;
            sent.incrementAndGet();
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(endpoint.resolve("/api/records"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"id\":\"" + id + "\",\"writer\":\"" + writer + "\",\"seq\":" + seq + "}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    acknowledged.put(id, response.statusCode());
                } else {
                    failures.incrementAndGet();
                }
            } catch (Exception e) {
                failures.incrementAndGet();
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<String> acknowledgedIds() {
        return new ArrayList<>(acknowledged.keySet());
    }

    long failures() {
        return failures.get();
    }

    long sent() {
        return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
