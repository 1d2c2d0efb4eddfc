package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes caught by what a database role switch does to the app's sessions (backends terminated,
 * the server restarted, the server answering read-only for a while) are retried by the app
 * within its bounded wait, so no client sees a failed write and every acknowledged one is
 * stored; a write that cannot be taken within the wait gets a 503, and a database that is really
 * gone gets one sooner.
 */
class WriteRetryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WRITERS = 4;

    @TempDir
    static Path dir;

    private static AppOnPostgres stack;
    private static TestPostgres postgres;
    private static AppProcess app;

    @BeforeAll
    static void start() throws Exception {
        stack = AppOnPostgres.start(dir);
        postgres = stack.postgres();
        app = stack.app();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void databaseBack() throws Exception {
        stack.databaseBack();
    }

    @Test
    void aWriteAnswersTheStoredRecordAndARetryGetsTheSameOne() throws Exception {
        HttpResponse<String> first = app.post("/api/records", "{\"id\":\"once-1\",\"writer\":\"once\",\"seq\":1}");
        HttpResponse<String> retry = app.post("/api/records", "{\"seq\":1,\"writer\":\"once\",\"id\":\"once-1\"}");
        HttpResponse<String> clash = app.post("/api/records", "{\"id\":\"once-1\",\"writer\":\"once\",\"seq\":2}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(first.body())
                .matches("\\{\"id\":\"once-1\",\"writer\":\"once\",\"seq\":1,\"region\":\"Central India\","
                        + "\"committedAt\":\"[0-9T:.-]+Z\"}");
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(clash.body()).contains("already holds writer 'once' seq 1");
    }

    @Test
    void writesSurviveTheirSessionsBeingTerminated() throws Exception {
        try (Writers writers = new Writers("terminated")) {
            writers.awaitAcknowledged(50);

            for (int i = 0; i < 5; i++) {
                try (Connection admin = postgres.admin();
                        Statement s = admin.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                            + TestPostgres.APP_USER + "'");
                }
                Thread.sleep(300);
            }
            writers.awaitAcknowledged(writers.acknowledged() + 50);

            writers.assertNoneFailedAndAllStored();
        }
    }

    @Test
    void writesSurviveAServerRestart() throws Exception {
        try (Writers writers = new Writers("restart")) {
            writers.awaitAcknowledged(50);

            // Fast shutdown: every session gets 57P01, new ones are refused until the server is back.
            postgres.stop();
            postgres.start();
            writers.awaitAcknowledged(writers.acknowledged() + 50);

            writers.assertNoneFailedAndAllStored();
        }
    }

    @Test
    void writesWaitOutAReadOnlyPrimary() throws Exception {
        try (Writers writers = new Writers("readonly")) {
            writers.awaitAcknowledged(50);

            // What a planned failover does to the old primary before it hands over.
            try (Connection admin = postgres.admin();
                    Statement s = admin.createStatement()) {
                s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                s.execute("SELECT pg_reload_conf()");
                Thread.sleep(2000);
                s.execute("ALTER SYSTEM RESET default_transaction_read_only");
                s.execute("SELECT pg_reload_conf()");
            }
            writers.awaitAcknowledged(writers.acknowledged() + 50);

            writers.assertNoneFailedAndAllStored();
            assertThat(writers.slowestMillis())
                    .as("writes waited for the read-only spell")
                    .isGreaterThan(1000);
        }
    }

    @Test
    void aPrimaryThatStaysReadOnlyGets503OnceTheWaitIsSpent() throws Exception {
        try (Connection admin = postgres.admin();
                Statement s = admin.createStatement()) {
            s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            s.execute("SELECT pg_reload_conf()");
        }

        long started = System.nanoTime();
        HttpResponse<String> write = app.post("/api/records", "{\"id\":\"ro-1\",\"writer\":\"ro\",\"seq\":1}");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(write.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(write.body()).path("message").asText())
                .startsWith("the database did not take the write within")
                .contains("the database answered read-only");
        // The retry wait is 10 s; one attempt more may start just before it ends.
        assertThat(took).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    @Test
    void databaseReallyGoneGets503WithoutWaitingOutTheWholeRetryWait() throws Exception {
        postgres.kill();

        long started = System.nanoTime();
        HttpResponse<String> first = app.post("/api/records", "{\"id\":\"gone-1\",\"writer\":\"gone\",\"seq\":1}");
        Duration firstTook = Duration.ofNanos(System.nanoTime() - started);
        started = System.nanoTime();
        HttpResponse<String> second = app.post("/api/records", "{\"id\":\"gone-2\",\"writer\":\"gone\",\"seq\":2}");
        Duration secondTook = Duration.ofNanos(System.nanoTime() - started);
        HttpResponse<String> ready = app.get("/health/ready");
        HttpResponse<String> root = app.get("/");

        // Silent for 5 s (HADR_DB_AWAY_AFTER_MS) means away: the first write stops waiting then
        // (plus the attempt under way, at most the pool's 2 s), the next one tries once.
        for (HttpResponse<String> write : List.of(first, second)) {
            assertThat(write.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(write.body()).path("message").asText())
                    .startsWith("the database has not answered for");
        }
        assertThat(firstTook).isLessThan(Duration.ofSeconds(10));
        assertThat(secondTook).isLessThan(Duration.ofSeconds(5));
        assertThat(ready.statusCode()).isEqualTo(503);
        for (HttpResponse<String> response : List.of(first, second, ready, root)) {
            assertThat(response.body())
                    .as(response.uri().toString())
                    .doesNotContain("Exception")
                    .doesNotContain("java.");
        }
        assertThat(JSON.readTree(ready.body())
                        .path("components")
                        .path("db")
                        .path("details")
                        .path("reason")
                        .asText())
                .contains("refused");
        assertThat(JSON.readTree(root.body()).path("database").path("role").asText())
                .isEqualTo("unreachable");
    }

    /** Writers posting records one after another, each remembering what was acknowledged and what failed. */
    private final class Writers implements AutoCloseable {
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String name;
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong slowestMillis = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Writers(String name) {
            this.name = name;
            for (int w = 0; w < WRITERS; w++) {
                String writer = name + "-" + w;
                Thread thread = new Thread(() -> write(writer), "writer-" + writer);
                thread.start();
                threads.add(thread);
            }
        }

        private void write(String writer) {
            for (long seq = 1; running.get(); seq++) {
                String id = writer + "-" + seq;
                long started = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(app.uri("/api/records"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"writer\":\""
                                            + writer + "\",\"seq\":" + seq + "}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 == 2) {
                        acknowledged.add(id);
                    } else {
                        failures.add(id + ": " + response.statusCode() + " " + response.body());
                    }
                } catch (Exception e) {
                    failures.add(id + ": " + e);
                }
                slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
            }
        }

        int acknowledged() {
            return acknowledged.size();
        }

        long slowestMillis() {
            return slowestMillis.get();
        }

        void awaitAcknowledged(int count) {
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= count);
        }

        void assertNoneFailedAndAllStored() throws Exception {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            assertThat(failures).as("failed writes").isEmpty();
            Set<String> stored = new HashSet<>();
            try (Connection admin = postgres.admin();
                    Statement s = admin.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM records WHERE writer LIKE '" + name + "-%'")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(stored).containsAll(acknowledged);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        }
    }
}
