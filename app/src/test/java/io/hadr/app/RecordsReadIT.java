package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/records?writer=W} against a real PostgreSQL that fails at several points of a
 * 50,000-row read: before it, at its first row, in its middle (backend terminated, server
 * killed). Whatever the point, the client sees an error status or a visibly broken stream, never
 * a valid document that is short; a role switch that catches a read before its first row is
 * waited out instead, like a write's.
 */
class RecordsReadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 50_000;
    // Long names make the answer large (about 11 MB), far more than the socket buffers between
    // app and client hold, so a client that stops reading holds the app in the middle of the read.
    private static final String WRITER = "bulk-" + "w".repeat(59);
    private static final String ID_PREFIX = "bulk-" + "i".repeat(50);
    private static final String APP_QUERY = "SELECT id, writer, seq, region, committed_at FROM records WHERE writer%";

    @TempDir
    static Path dir;

    private static AppOnPostgres stack;
    private static TestPostgres postgres;
    private static AppProcess app;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        stack = AppOnPostgres.start(dir);
        postgres = stack.postgres();
        app = stack.app();
        try (Connection admin = postgres.admin();
                Statement s = admin.createStatement()) {
            s.execute("INSERT INTO records (id, writer, seq, region) SELECT '" + ID_PREFIX
                    + "-' || lpad(g::text, 8, '0'), '" + WRITER + "', g, 'Central India' FROM generate_series(1, "
                    + ROWS + ") g");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** Each test may take the database away; the next one finds it back and the app ready. */
    @AfterEach
    void databaseBack() throws Exception {
        stack.databaseBack();
    }

    @Test
    void wholeReadEndsWithTheCountOfEveryRecordSent() throws Exception {
        HttpResponse<InputStream> response = read(WRITER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode document;
        try (InputStream body = response.body()) {
            document = JSON.readTree(body);
        }
        List<String> fields = new ArrayList<>();
        document.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("writer", "records", "count");
        assertThat(document.path("writer").asText()).isEqualTo(WRITER);
        assertThat(document.path("count").asLong()).isEqualTo(ROWS);
        assertThat(document.path("records")).hasSize(ROWS);
        JsonNode last = document.path("records").get(ROWS - 1);
        assertThat(last.path("seq").asLong()).isEqualTo(ROWS);
        assertThat(last.path("id").asText()).isEqualTo(ID_PREFIX + "-000" + ROWS);
        assertThat(last.path("region").asText()).isEqualTo("Central India");
        assertThat(last.path("committedAt").asText()).isNotEmpty();
    }

    @Test
    void writerWithoutRecordsGetsAnEmptyListAndCountZero() throws Exception {
        HttpResponse<String> response = app.get("/api/records?writer=nobody-yet");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"writer\":\"nobody-yet\",\"records\":[],\"count\":0}");
    }

    @Test
    void databaseGoneBeforeTheReadGets503InWords() throws Exception {
        postgres.kill();

        HttpResponse<String> response = app.get("/api/records?writer=" + WRITER);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("message").asText()).startsWith("the database is unavailable: ");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\"records\"");
    }

    @Test
    void backendTerminatedAtTheFirstRowIsReadAgainAndAnsweredWhole() throws Exception {
        try (Connection locker = postgres.admin()) {
            CompletableFuture<HttpResponse<InputStream>> pending =
                    readWaitingOnLock(locker, Duration.ofSeconds(120), HttpResponse.BodyHandlers.ofInputStream());
            long backend = awaitAppBackend("state = 'active' AND wait_event_type = 'Lock'");

            // What a role switch does to a session: nothing was handed on yet, so the app reads again.
            terminate(backend);
            awaitAppBackend("state = 'active' AND wait_event_type = 'Lock' AND pid <> " + backend);
            locker.rollback();

            HttpResponse<InputStream> response = pending.get(120, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode document;
            try (InputStream body = response.body()) {
                document = JSON.readTree(body);
            }
            assertThat(document.path("count").asLong()).isEqualTo(ROWS);
            assertThat(document.path("records")).hasSize(ROWS);
        }
    }

    @Test
    void failureAtTheFirstRowThatARetryCannotCureGets503() throws Exception {
        try (Connection locker = postgres.admin()) {
            CompletableFuture<HttpResponse<String>> pending =
                    readWaitingOnLock(locker, Duration.ofSeconds(60), HttpResponse.BodyHandlers.ofString());
            long backend = awaitAppBackend("state = 'active' AND wait_event_type = 'Lock'");

            // A cancelled statement (57014) is no role switch: the read is not attempted again.
            try (Connection admin = postgres.admin();
                    Statement s = admin.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_cancel_backend(" + backend + ")")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            locker.rollback();

            HttpResponse<String> response = pending.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("the database is unavailable").doesNotContain("\"records\"");
        }
    }

    @Test
    void readsCaughtByAServerRestartWaitForItAndAnswerWhole() throws Exception {
        try (Connection admin = postgres.admin();
                Statement s = admin.createStatement()) {
            s.execute("INSERT INTO records (id, writer, seq, region) SELECT 'small-' || g, 'small', g, 'Central India'"
                    + " FROM generate_series(1, 10) g ON CONFLICT DO NOTHING");
        }
        List<HttpResponse<String>> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong duringRestart = new AtomicLong();
        AtomicBoolean restartBegan = new AtomicBoolean();
        AtomicBoolean restartEnded = new AtomicBoolean();
        Thread reader = new Thread(
                () -> {
                    while (!stop.get()) {
                        boolean sentBeforeTheEnd = !restartEnded.get();
                        try {
                            answers.add(app.get("/api/records?writer=small"));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        if (sentBeforeTheEnd && restartBegan.get()) {
                            duringRestart.incrementAndGet();
                        }
                    }
                },
                "reader");
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= 5);

        // Fast shutdown and start again: what a planned failover does to the sessions of the old primary.
        restartBegan.set(true);
        postgres.stop();
        postgres.start();
        restartEnded.set(true);
        int before = answers.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= before + 5);
        stop.set(true);
        reader.join(30_000);

        assertThat(duringRestart.get())
                .as("reads in flight while the server restarted")
                .isPositive();
        synchronized (answers) {
            for (HttpResponse<String> answer : answers) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(JSON.readTree(answer.body()).path("count").asLong()).isEqualTo(10);
            }
        }
    }

    @Test
    void backendTerminatedInTheMiddleAbortsTheStream() throws Exception {
        HttpResponse<InputStream> response = read(WRITER);
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            byte[] start = body.readNBytes(64 * 1024);
            // The client has stopped reading: the app blocks writing, its read transaction open.
            long backend = awaitAppBackend("state IN ('active', 'idle in transaction')");

            terminate(backend);

            assertBroken(start, body);
        }
    }

    @Test
    void serverKilledInTheMiddleAbortsTheStream() throws Exception {
        HttpResponse<InputStream> response = read(WRITER);
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            byte[] start = body.readNBytes(64 * 1024);
            awaitAppBackend("state IN ('active', 'idle in transaction')");

            postgres.kill();

            assertBroken(start, body);
        }
    }

    /** The rest of the body must fail to arrive, and what did arrive must not be a whole document. */
    private static void assertBroken(byte[] start, InputStream body) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        received.writeBytes(start);
        IOException readFailure = null;
        try {
            body.transferTo(received);
        } catch (IOException e) {
            readFailure = e;
        }
        String text = received.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(readFailure)
                .as("the body read fails (aborted stream) after %d bytes", received.size())
                .isNotNull();
        assertThat(text)
                .startsWith("{\"writer\":\"" + WRITER + "\",\"records\":[")
                .doesNotContain("\"count\"");
        assertThat(received.size()).isLessThan(ROWS * 200);
        boolean parses;
        try {
            JSON.readTree(text);
            parses = true;
        } catch (IOException e) {
            parses = false;
        }
        assertThat(parses).as("a cut answer must not parse as JSON").isFalse();
    }

    private HttpResponse<InputStream> read(String writer) throws Exception {
        return http.send(
                HttpRequest.newBuilder(app.uri("/api/records?writer=" + writer))
                        .timeout(Duration.ofSeconds(120))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Sends the records read while {@code locker} holds a lock its query waits for: the query has
     * been sent, no row has come back yet. The lock holds until {@code locker} rolls back.
     */
    private <T> CompletableFuture<HttpResponse<T>> readWaitingOnLock(
            Connection locker, Duration timeout, HttpResponse.BodyHandler<T> body) throws Exception {
        locker.setAutoCommit(false);
        try (Statement lock = locker.createStatement()) {
            lock.execute("LOCK TABLE records IN ACCESS EXCLUSIVE MODE");
        }
        return http.sendAsync(
                HttpRequest.newBuilder(app.uri("/api/records?writer=" + WRITER))
                        .timeout(timeout)
                        .build(),
                body);
    }

    /** The pid of the app's backend running the records read, once it is in the given state. */
    private static long awaitAppBackend(String condition) {
        long[] pid = {0};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    try (Connection admin = postgres.admin();
                            Statement s = admin.createStatement();
                            ResultSet rs =
                                    s.executeQuery("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                                            + " AND usename = '" + TestPostgres.APP_USER + "' AND query LIKE '"
                                            + APP_QUERY + "' AND " + condition)) {
                        if (rs.next()) {
                            pid[0] = rs.getLong(1);
                            return true;
                        }
                        return false;
                    }
                });
        return pid[0];
    }

    private static void terminate(long backend) throws Exception {
        try (Connection admin = postgres.admin();
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + backend + ")")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("backend %d terminated", backend).isTrue();
        }
    }
}
