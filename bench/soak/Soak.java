import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.local.LocalPlatform;
import io.hadr.local.StateDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A bounded soak of a running local environment: for a set duration it writes records
 * ({@code POST /api/records}, a client-chosen id per record) and reads them back
 * ({@code GET /api/records?writer=W}) through the front door, while it fails the database over
 * (planned) every 30–60 s and, in between, kills the serving region's app and SIGKILLs the primary
 * database server's postmaster. At the end every acknowledged write is looked up through the
 * app's read and once directly in the database through the read-write listener.
 *
 * <p>What it holds the environment to: no acknowledged write is lost, and no read answers a short
 * list as if it were whole. A read that fails visibly (an error status, or a body cut before its
 * end so that the client's read fails) is counted but is no fault; a read whose HTTP body ended
 * normally but whose document does not parse, lacks its closing {@code count}, holds a different
 * number of records than {@code count} says, or misses a record of that writer that was
 * acknowledged before the read was sent, is a short read answered as whole.
 *
 * <p>Runs against hadr's own classes (the control API client, Jackson, pgjdbc), so no dependency
 * is added anywhere: {@code java -cp cli/target/hadr.jar bench/soak/Soak.java --state-dir DIR}.
 * {@code bench/soak/run.sh} brings an environment up for it and takes it down again. Exit status:
 * 0 when nothing acknowledged was lost and no short read was answered as whole, 1 otherwise,
 * 2 for bad usage, 3 when the environment could not be driven at all.
 */
public class Soak {

    record Options(Path stateDir, Path out, Duration duration, int writers, double writeRate, int readers,
                   Duration readPause, Duration failoverMin, Duration failoverMax, int appKills, int postmasterKills,
                   Duration appDown) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value pairs, but got '" + args[i] + "'");
                }
                given.put(args[i].substring(2), args[++i]);
            }
            Set<String> known = Set.of("state-dir", "out", "duration", "writers", "write-rate", "readers", "read-pause",
                    "failover-every", "app-kills", "postmaster-kills", "app-down");
            for (String key : given.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + "; known: " + new java.util.TreeSet<>(known));
                }
            }
            if (!given.containsKey("state-dir")) {
                throw new IllegalArgumentException("--state-dir DIR is required: the state directory of a running environment");
            }
            Duration duration = duration("duration", given.getOrDefault("duration", "10m"));
            String[] every = given.getOrDefault("failover-every", "30s-60s").split("-");
            if (every.length != 2) {
                throw new IllegalArgumentException("--failover-every must be MIN-MAX, e.g. 30s-60s, but was "
                        + given.get("failover-every"));
            }
            Duration min = duration("failover-every", every[0]);
            Duration max = duration("failover-every", every[1]);
            if (min.compareTo(Duration.ofSeconds(5)) < 0 || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("--failover-every needs 5s <= MIN <= MAX, but was " + min.toSeconds()
                        + "s-" + max.toSeconds() + "s");
            }
            // One app kill and one postmaster kill per started five minutes: both at least once.
            int kills = (int) Math.max(1, Math.round(duration.toSeconds() / 300.0));
            Options options = new Options(Path.of(given.get("state-dir")),
                    Path.of(given.getOrDefault("out", ".")),
                    duration,
                    positive("writers", given.getOrDefault("writers", "4")),
                    Double.parseDouble(given.getOrDefault("write-rate", "80")),
                    Integer.parseInt(given.getOrDefault("readers", "2")),
                    duration("read-pause", given.getOrDefault("read-pause", "250ms")),
                    min, max,
                    Integer.parseInt(given.getOrDefault("app-kills", String.valueOf(kills))),
                    Integer.parseInt(given.getOrDefault("postmaster-kills", String.valueOf(kills))),
                    duration("app-down", given.getOrDefault("app-down", "15s")));
            if (options.writeRate <= 0 || options.readers < 0 || options.appKills < 0 || options.postmasterKills < 0) {
                throw new IllegalArgumentException("--write-rate must be positive and --readers, --app-kills,"
                        + " --postmaster-kills 0 or more");
            }
            if (duration.compareTo(max.plusSeconds(10)) < 0) {
                throw new IllegalArgumentException("--duration " + duration.toSeconds() + "s is too short for even one"
                        + " failover (--failover-every max " + max.toSeconds() + "s + 10s)");
            }
            return options;
        }

        private static int positive(String name, String value) {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new IllegalArgumentException("--" + name + " must be at least 1, but was " + n);
            }
            return n;
        }

        private static Duration duration(String name, String value) {
            String v = value.trim();
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
                }
                if (v.endsWith("h")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 3_600_000));
                }
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a duration such as 250ms, 90s or 10m, but was '"
                        + value + "'");
            }
        }
    }

    /** One write request: its id and what came of it. {@code status} is -1 when no HTTP answer came. */
    record Write(String writer, long seq, String id, long sendNanos, long endNanos, int status, String error) {
        boolean acknowledged() {
            return status == 200 || status == 201;
        }

        String outcome() {
            return status > 0 ? "HTTP " + status : "no answer (" + error + ")";
        }
    }

    /** A fault the soak injected, for the event log and to say which fault a failed request followed. */
    record Fault(String kind, long atNanos, String detail) {}

    /** A read's document was not whole although its HTTP body ended normally. */
    static final class ShortRead extends Exception {
        ShortRead(String message) {
            super(message);
        }
    }

    private final Options options;
    private final LocalPlatform platform;
    private final URI endpoint;
    private final String run;
    private final long startNanos = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonFactory json = new JsonFactory();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final PrintWriter events;

    private final List<String> writerNames = new ArrayList<>();
    /** Per writer, every write in send order (appended by that writer's thread only). */
    private final Map<String, List<Write>> writes = new ConcurrentHashMap<>();
    /** Per writer, the ids acknowledged so far in acknowledgement order: a read checks the prefix sent before it. */
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    private final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());

    private final AtomicLong readsSent = new AtomicLong();
    private final AtomicLong readsWhole = new AtomicLong();
    private final AtomicLong readsCutVisibly = new AtomicLong();
    private final AtomicLong readRecords = new AtomicLong();
    private final Map<String, AtomicLong> readsFailed = new ConcurrentHashMap<>();
    private final List<String> shortReads = Collections.synchronizedList(new ArrayList<>());
    /** When each failed read ended, to say which fault it followed. */
    private final List<Long> readFailureNanos = Collections.synchronizedList(new ArrayList<>());

    private final List<FailoverResult> failovers = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> failoverWallMs = Collections.synchronizedList(new ArrayList<>());
    private final List<String> faultFailures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong failoversFailed = new AtomicLong();
    private final List<String> appKills = Collections.synchronizedList(new ArrayList<>());
    private final List<String> postmasterKills = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> loadSamples = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean finished;

    Soak(Options options, LocalPlatform platform) throws IOException {
        this.options = options;
        this.platform = platform;
        this.endpoint = platform.endpoint();
        this.run = "soak" + Instant.now().getEpochSecond();
        Files.createDirectories(options.out);
        this.events = new PrintWriter(Files.newBufferedWriter(options.out.resolve("events.log")), true);
        for (int i = 1; i <= options.writers; i++) {
            String writer = run + "-w" + i;
            writerNames.add(writer);
            writes.put(writer, new ArrayList<>());
            acknowledged.put(writer, new ArrayList<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.println("usage: java -cp cli/target/hadr.jar bench/soak/Soak.java --state-dir DIR [--out DIR]"
                    + " [--duration 10m] [--writers 4] [--write-rate 80] [--readers 2] [--read-pause 250ms]"
                    + " [--failover-every 30s-60s] [--app-kills N] [--postmaster-kills N] [--app-down 15s]");
            System.exit(2);
            return;
        }
        LocalPlatform platform;
        try {
            platform = LocalPlatform.connect(new StateDir(options.stateDir));
        } catch (RuntimeException e) {
            System.err.println("soak: cannot reach the environment in " + options.stateDir + ": " + e.getMessage());
            System.exit(3);
            return;
        }
        Soak soak = new Soak(options, platform);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!soak.finished) {
                soak.stop.set(true);
                System.out.println();
                System.out.println("soak: interrupted after " + soak.elapsedSeconds() + " s; nothing was verified. So far:");
                System.out.println(soak.counts());
                main.interrupt();
            }
        }));
        int exit = soak.run();
        System.exit(exit);
    }

    int run() throws Exception {
        EnvironmentStatus status = platform.status();
        say("soak %s: %s for %d s, %d writers at %.0f writes/s in all, %d readers, planned failover every %d-%d s,"
                        + " %d app kill(s), %d postmaster kill(s); %d cores, load average %s",
                run, endpoint, options.duration.toSeconds(), options.writers, options.writeRate, options.readers,
                options.failoverMin.toSeconds(), options.failoverMax.toSeconds(), options.appKills, options.postmasterKills,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        say("database: primary %s, secondary %s", status.database().primary(), status.database().secondary());

        List<Thread> load = new ArrayList<>();
        for (String writer : writerNames) {
            load.add(start(writer, () -> writeLoop(writer), false));
        }
        for (int i = 0; i < options.readers; i++) {
            int first = i;
            load.add(start("reader-" + i, () -> readLoop(first), false));
        }
        Thread monitor = start("monitor", this::monitorLoop, true);
        ExecutorService background = Executors.newCachedThreadPool();
        long endNanos = startNanos + options.duration.toNanos();
        try {
            injectFaults(endNanos, background);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
        stop.set(true);
        for (Thread thread : load) {
            thread.join();
        }
        background.shutdown();
        if (!background.awaitTermination(3, TimeUnit.MINUTES)) {
            say("an app start or a heal watch was still running 3 minutes after the load stopped");
        }
        monitor.interrupt();
        say("load stopped after %d s; waiting for the environment to settle before the checks", elapsedSeconds());
        if (!awaitSettled(Duration.ofMinutes(3), true)) {
            say("the environment did not settle within 3 minutes; checking anyway");
        }
        Verification verification = verify();
        finished = true;
        writeCsv();
        String summary = summary(verification);
        System.out.println();
        System.out.println(summary);
        Files.writeString(options.out.resolve("summary.txt"), summary + System.lineSeparator());
        events.close();
        return verification.pass() && shortReads.isEmpty() ? 0 : 1;
    }

    // ---------------------------------------------------------------- load

    private void writeLoop(String writer) {
        List<Write> mine = writes.get(writer);
        List<String> acked = acknowledged.get(writer);
        URI uri = endpoint.resolve("/api/records");
        long intervalNanos = (long) (1e9 * options.writers / options.writeRate);
        long next = System.nanoTime();
        long seq = 0;
        while (!stop.get()) {
            seq++;
            String id = writer + "-" + seq;
            String body = "{\"id\":\"" + id + "\",\"writer\":\"" + writer + "\",\"seq\":" + seq + "}";
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long sent = System.nanoTime();
            int status;
            String error = null;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
                error = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Write write = new Write(writer, seq, id, sent, System.nanoTime(), status, error);
            synchronized (mine) {
                mine.add(write);
            }
            if (write.acknowledged()) {
                synchronized (acked) {
                    acked.add(id);
                }
            }
            // Paced, not closed-loop: the same offered load whatever the machine's other tenants do.
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    private void readLoop(int first) {
        int turn = first;
        while (!stop.get()) {
            String writer = writerNames.get(turn++ % writerNames.size());
            readOnce(writer, null);
            sleepNanos(options.readPause.toNanos());
        }
    }

    /** What one read of a writer's records came to. */
    enum ReadOutcome { WHOLE, FAILED, CUT_VISIBLY, SHORT_AS_WHOLE }

    /**
     * Reads a writer's records through the front door and judges the answer; the ids of a whole
     * answer are added to {@code found} when it is given (the final check).
     */
    private ReadOutcome readOnce(String writer, Set<String> found) {
        List<String> acked = acknowledged.get(writer);
        int ackedBefore;
        synchronized (acked) {
            ackedBefore = acked.size();
        }
        readsSent.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/api/records?writer=" + writer))
                .timeout(Duration.ofSeconds(90)).GET().build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            readFailed("no answer (" + e.getClass().getSimpleName() + ")");
            return ReadOutcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReadOutcome.FAILED;
        }
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                body.readAllBytes();
            } catch (IOException ignored) {
                // the status already says it failed
            }
            readFailed("HTTP " + response.statusCode());
            return ReadOutcome.FAILED;
        }
        Set<String> ids = new HashSet<>();
        try (InputStream body = response.body()) {
            long count = parseWhole(body, writer, ids);
            if (count != ids.size()) {
                throw new ShortRead("count " + count + " but " + ids.size() + " records");
            }
        } catch (ShortRead e) {
            shortRead(writer, sent, e.getMessage(), response);
            return ReadOutcome.SHORT_AS_WHOLE;
        } catch (JsonProcessingException e) {
            // The HTTP body ended as a whole one does, yet the document did not: that is a short read.
            shortRead(writer, sent, "the document does not parse: " + e.getOriginalMessage(), response);
            return ReadOutcome.SHORT_AS_WHOLE;
        } catch (IOException e) {
            // The transport failed before the body's end: the client can tell, which is what the app promises.
            readsCutVisibly.incrementAndGet();
            readFailureNanos.add(System.nanoTime());
            return ReadOutcome.CUT_VISIBLY;
        }
        List<String> missing = new ArrayList<>();
        synchronized (acked) {
            for (int i = 0; i < ackedBefore; i++) {
                if (!ids.contains(acked.get(i))) {
                    missing.add(acked.get(i));
                }
            }
        }
        if (!missing.isEmpty()) {
            shortRead(writer, sent, missing.size() + " record(s) acknowledged before the read was sent are not in it, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())), response);
            return ReadOutcome.SHORT_AS_WHOLE;
        }
        readsWhole.incrementAndGet();
        readRecords.addAndGet(ids.size());
        if (found != null) {
            found.addAll(ids);
        }
        return ReadOutcome.WHOLE;
    }

    /**
     * Parses {@code {"writer":W,"records":[{...},...],"count":N}} strictly, exactly that order and
     * nothing after it, collecting the record ids; returns {@code count}.
     */
    private long parseWhole(InputStream body, String writer, Set<String> ids) throws IOException, ShortRead {
        try (JsonParser parser = json.createParser(body)) {
            expect(parser, JsonToken.START_OBJECT, "the document's '{'");
            expectField(parser, "writer");
            expect(parser, JsonToken.VALUE_STRING, "the writer");
            if (!writer.equals(parser.getText())) {
                throw new ShortRead("answered writer '" + parser.getText() + "'");
            }
            expectField(parser, "records");
            expect(parser, JsonToken.START_ARRAY, "the records' '['");
            for (JsonToken token = next(parser, "a record or ']'"); token != JsonToken.END_ARRAY;
                 token = next(parser, "a record or ']'")) {
                if (token != JsonToken.START_OBJECT) {
                    throw new ShortRead("expected a record, found " + token);
                }
                String id = null;
                for (JsonToken field = next(parser, "a field"); field != JsonToken.END_OBJECT; field = next(parser, "a field")) {
                    String name = parser.currentName();
                    next(parser, "a value");
                    if ("id".equals(name)) {
                        id = parser.getText();
                    }
                }
                if (id == null || !ids.add(id)) {
                    throw new ShortRead(id == null ? "a record without an id" : "record " + id + " twice");
                }
            }
            expectField(parser, "count");
            expect(parser, JsonToken.VALUE_NUMBER_INT, "the count");
            long count = parser.getLongValue();
            expect(parser, JsonToken.END_OBJECT, "the document's '}'");
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new ShortRead("something after the document: " + after);
            }
            return count;
        }
    }

    private static JsonToken next(JsonParser parser, String what) throws IOException, ShortRead {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new ShortRead("the document ended where " + what + " was due");
        }
        return token;
    }

    private static void expect(JsonParser parser, JsonToken expected, String what) throws IOException, ShortRead {
        JsonToken token = next(parser, what);
        if (token != expected) {
            throw new ShortRead("expected " + what + ", found " + token);
        }
    }

    private static void expectField(JsonParser parser, String name) throws IOException, ShortRead {
        expect(parser, JsonToken.FIELD_NAME, "field '" + name + "'");
        if (!name.equals(parser.currentName())) {
            throw new ShortRead("expected field '" + name + "', found '" + parser.currentName() + "'");
        }
    }

    private void readFailed(String outcome) {
        readsFailed.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        readFailureNanos.add(System.nanoTime());
    }

    private void shortRead(String writer, long sentNanos, String what, HttpResponse<?> response) {
        String line = String.format(Locale.ROOT, "+%.1fs read of %s answered 200 as whole but: %s (%s)",
                (sentNanos - startNanos) / 1e9, writer, what, response.headers().firstValue("X-Hadr-Region").orElse("?"));
        shortReads.add(line);
        event("SHORT READ " + line);
    }

    // ---------------------------------------------------------------- faults

    /**
     * Planned failovers every failover-min to failover-max; the kills come between two failovers
     * (a third of the way into the gap) once their turn is due, spread evenly over the run and
     * alternating app and postmaster, so that no two faults overlap.
     */
    private void injectFaults(long endNanos, ExecutorService background) throws InterruptedException {
        List<String> kills = new ArrayList<>();
        for (int i = 0; i < Math.max(options.appKills, options.postmasterKills); i++) {
            if (i < options.appKills) {
                kills.add("app");
            }
            if (i < options.postmasterKills) {
                kills.add("postmaster");
            }
        }
        List<Long> killDue = new ArrayList<>();
        for (int i = 0; i < kills.size(); i++) {
            // Between 10 % and 60 % of the run, evenly: early enough that each finds a gap between failovers.
            double at = kills.size() == 1 ? 0.3 : 0.1 + 0.5 * i / (kills.size() - 1);
            killDue.add(startNanos + (long) (options.duration.toNanos() * at));
        }
        awaitFirstAcknowledgement(endNanos);
        long lastFailover = System.nanoTime();
        int nextKill = 0;
        while (true) {
            long gap = ThreadLocalRandom.current().nextLong(options.failoverMin.toNanos(), options.failoverMax.toNanos() + 1);
            long failoverAt = lastFailover + gap;
            if (failoverAt > endNanos) {
                for (String kind : kills.subList(nextKill, kills.size())) {
                    faultFailures.add("the " + kind + " kill found no gap between failovers before the end: run longer");
                }
                sleepUntil(endNanos);
                return;
            }
            // A kill due before this gap ends comes a third of the way in (or when due, if later), so
            // that it settles before the failover that ends the gap.
            long killAt = nextKill < kills.size() ? Math.max(killDue.get(nextKill), lastFailover + gap / 3) : Long.MAX_VALUE;
            if (killAt <= lastFailover + gap * 2 / 3) {
                sleepUntil(killAt);
                String kind = kills.get(nextKill++);
                if (kind.equals("app")) {
                    killApp(background);
                } else {
                    killPostmaster(background);
                }
            }
            sleepUntil(failoverAt);
            failover();
            lastFailover = System.nanoTime();
        }
    }

    private void awaitFirstAcknowledgement(long endNanos) throws InterruptedException {
        while (acknowledged.values().stream().allMatch(List::isEmpty)) {
            if (System.nanoTime() > endNanos) {
                throw new IllegalStateException("no write was acknowledged in the whole run");
            }
            Thread.sleep(100);
        }
        say("first write acknowledged; faults start");
    }

    private void failover() {
        if (!awaitSettled(Duration.ofSeconds(60), false)) {
            event("the database was not settled (both servers running, the secondary streaming) 60 s before the failover; failing over anyway");
        }
        long at = System.nanoTime();
        faults.add(new Fault("failover", at, ""));
        try {
            FailoverResult result = platform.failover(FailoverMode.PLANNED);
            long wall = (System.nanoTime() - at) / 1_000_000;
            failovers.add(result);
            failoverWallMs.add(wall);
            event(String.format(Locale.ROOT, "planned failover %d: %s -> %s in %d ms (%s)", failovers.size(),
                    result.oldPrimary(), result.newPrimary(), wall,
                    result.phases().stream().map(p -> p.name() + " " + p.atMs()).collect(Collectors.joining(", "))));
        } catch (RuntimeException e) {
            failoversFailed.incrementAndGet();
            faultFailures.add(String.format(Locale.ROOT, "+%.1fs failover: %s", (at - startNanos) / 1e9, e.getMessage()));
            event("planned failover FAILED: " + e.getMessage());
        }
    }

    private void killApp(ExecutorService background) {
        EnvironmentStatus status = platform.status();
        // The region the front door sends traffic to: enabled, lowest priority.
        EnvironmentStatus.RegionStatus serving = status.regions().stream()
                .filter(r -> r.origin() != null && r.origin().enabled())
                .min(Comparator.comparingInt(r -> r.origin().priority()))
                .orElseThrow(() -> new IllegalStateException("no enabled origin in the status"));
        long at = System.nanoTime();
        faults.add(new Fault("app kill", at, serving.id()));
        try {
            platform.app(serving.id(), AppAction.KILL);
            appKills.add(String.format(Locale.ROOT, "+%.1fs %s", (at - startNanos) / 1e9, serving.id()));
            event("app kill: every instance of " + serving.id() + " (pids "
                    + serving.apps().stream().map(a -> String.valueOf(a.pid())).collect(Collectors.joining(",")) + ")");
        } catch (RuntimeException e) {
            faultFailures.add("app kill of " + serving.id() + ": " + e.getMessage());
            event("app kill FAILED: " + e.getMessage());
            return;
        }
        // A kill is deliberate and never healed: start the app again after a while, off the fault schedule.
        background.submit(() -> {
            sleepNanos(options.appDown.toNanos());
            long started = System.nanoTime();
            try {
                platform.app(serving.id(), AppAction.START);
                event(String.format(Locale.ROOT, "app start of %s took %d ms", serving.id(),
                        (System.nanoTime() - started) / 1_000_000));
            } catch (RuntimeException e) {
                faultFailures.add("app start of " + serving.id() + " after its kill: " + e.getMessage());
                event("app start of " + serving.id() + " FAILED: " + e.getMessage());
            }
        });
    }

    private void killPostmaster(ExecutorService background) {
        EnvironmentStatus.DatabaseStatus database = platform.status().database();
        Optional<EnvironmentStatus.ServerStatus> primary = database.servers().stream()
                .filter(s -> "primary".equals(s.role()) && s.pid() != null).findFirst();
        if (primary.isEmpty()) {
            faultFailures.add("postmaster kill: the status shows no primary with a pid");
            event("postmaster kill skipped: no primary with a pid in the status");
            return;
        }
        String server = primary.get().name();
        long pid = primary.get().pid();
        String command = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
        if (!command.contains("postgres")) {
            faultFailures.add("postmaster kill: pid " + pid + " of " + server + " is not a postgres process: '" + command + "'");
            event("postmaster kill skipped: pid " + pid + " is '" + command + "'");
            return;
        }
        long at = System.nanoTime();
        faults.add(new Fault("postmaster kill", at, server));
        boolean sent = ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
        event("postmaster kill: SIGKILL of " + server + "'s postmaster, pid " + pid + (sent ? "" : " (it was already gone)"));
        background.submit(() -> {
            // In-region healing should restart it in place; how long that took is part of the record.
            long deadline = at + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    Optional<EnvironmentStatus.ServerStatus> now = platform.status().database().servers().stream()
                            .filter(s -> s.name().equals(server)).findFirst();
                    if (now.isPresent() && "running".equals(now.get().state()) && now.get().pid() != null
                            && now.get().pid() != pid) {
                        String line = String.format(Locale.ROOT, "+%.1fs %s, running again (%s, pid %d) after %.1f s",
                                (at - startNanos) / 1e9, server, now.get().role(), now.get().pid(),
                                (System.nanoTime() - at) / 1e9);
                        postmasterKills.add(line);
                        event("postmaster kill healed: " + line);
                        return;
                    }
                } catch (RuntimeException e) {
                    // the control API may be slow while the server restarts; ask again
                }
                sleepNanos(Duration.ofMillis(250).toNanos());
            }
            postmasterKills.add(String.format(Locale.ROOT, "+%.1fs %s, NOT running again after 2 min", (at - startNanos) / 1e9,
                    server));
            faultFailures.add("postmaster kill of " + server + ": not running again after 2 minutes");
            event("postmaster kill of " + server + " NOT healed within 2 minutes");
        });
    }

    /** Both database servers running and the secondary streaming; with {@code apps}, every app running too. */
    private boolean awaitSettled(Duration within, boolean apps) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                EnvironmentStatus status = platform.status();
                EnvironmentStatus.DatabaseStatus database = status.database();
                boolean db = database.primary() != null && database.secondary() != null
                        && database.servers().stream().allMatch(s -> "running".equals(s.state()))
                        && database.servers().stream().anyMatch(s -> "secondary".equals(s.role())
                        && Boolean.TRUE.equals(s.streaming()));
                boolean appsUp = !apps || status.regions().stream().flatMap(r -> r.apps().stream())
                        .allMatch(a -> "running".equals(a.state()));
                if (db && appsUp) {
                    return true;
                }
            } catch (RuntimeException e) {
                // asked again below
            }
            sleepNanos(Duration.ofMillis(500).toNanos());
        }
        return false;
    }

    // ---------------------------------------------------------------- checks

    record Verification(int sent, int acknowledged, int lostThroughApp, int lostInDatabase, int inDoubt, int foreign,
                        List<String> lostIds, boolean appReadWhole, String appReadProblem) {
        boolean pass() {
            return lostThroughApp == 0 && lostInDatabase == 0 && appReadWhole;
        }
    }

    private Verification verify() throws Exception {
        List<Write> all = allWrites();
        Set<String> ackedIds = all.stream().filter(Write::acknowledged).map(Write::id).collect(Collectors.toSet());
        Set<String> failedIds = all.stream().filter(w -> !w.acknowledged()).map(Write::id).collect(Collectors.toSet());

        // Through the app, as a drill counts: a whole read per writer (a visibly failed one is asked again).
        Set<String> throughApp = new HashSet<>();
        boolean appWhole = true;
        String appProblem = null;
        for (String writer : writerNames) {
            ReadOutcome outcome = ReadOutcome.FAILED;
            for (int attempt = 1; attempt <= 10 && outcome != ReadOutcome.WHOLE; attempt++) {
                Set<String> found = new HashSet<>();
                outcome = readOnce(writer, found);
                if (outcome == ReadOutcome.WHOLE) {
                    throughApp.addAll(found);
                } else if (outcome == ReadOutcome.SHORT_AS_WHOLE) {
                    break;
                } else {
                    Thread.sleep(2000);
                }
            }
            if (outcome != ReadOutcome.WHOLE) {
                appWhole = false;
                appProblem = "the final read of " + writer + " was not whole: " + outcome;
                say(appProblem);
            }
        }

        // Directly, through the read-write listener.
        EnvironmentStatus.DatabaseStatus database = platform.status().database();
        String listener = database.readWriteListener();
        String password = Files.readString(options.stateDir.resolve("db-app-password")).trim();
        String url = "jdbc:postgresql://" + listener + "/" + platform.topology().database().name();
        Set<String> inDatabase = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(url, "hadr", password);
             PreparedStatement statement = connection.prepareStatement("SELECT id FROM records WHERE writer = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("text", writerNames.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    inDatabase.add(rows.getString(1));
                }
            }
        }
        say("checked %d acknowledged writes against %d records read through the front door and %d in the database"
                + " (%s, read-write listener %s)", ackedIds.size(), throughApp.size(), inDatabase.size(),
                database.primary(), listener);

        List<String> lost = ackedIds.stream().filter(id -> !inDatabase.contains(id)).sorted().toList();
        int lostThroughApp = (int) ackedIds.stream().filter(id -> !throughApp.contains(id)).count();
        int inDoubt = (int) failedIds.stream().filter(inDatabase::contains).count();
        Set<String> made = all.stream().map(Write::id).collect(Collectors.toSet());
        int foreign = (int) inDatabase.stream().filter(id -> !made.contains(id)).count();
        return new Verification(all.size(), ackedIds.size(), appWhole ? lostThroughApp : -1, lost.size(), inDoubt, foreign,
                lost, appWhole, appProblem);
    }

    // ---------------------------------------------------------------- reporting

    private List<Write> allWrites() {
        List<Write> all = new ArrayList<>();
        for (List<Write> mine : writes.values()) {
            synchronized (mine) {
                all.addAll(mine);
            }
        }
        all.sort(Comparator.comparingLong(Write::sendNanos));
        return all;
    }

    private String counts() {
        List<Write> all = allWrites();
        long acked = all.stream().filter(Write::acknowledged).count();
        return String.format(Locale.ROOT, "writes sent %d, acknowledged %d, failed %d %s; reads %d, whole %d, failed %d,"
                        + " cut visibly %d, short reads answered as whole %d; failovers %d",
                all.size(), acked, all.size() - acked, failedByOutcome(all), readsSent.get(), readsWhole.get(),
                readsFailed.values().stream().mapToLong(AtomicLong::get).sum(), readsCutVisibly.get(), shortReads.size(),
                failovers.size());
    }

    private static Map<String, Long> failedByOutcome(List<Write> all) {
        return all.stream().filter(w -> !w.acknowledged())
                .collect(Collectors.groupingBy(Write::outcome, TreeMap::new, Collectors.counting()));
    }

    private String summary(Verification v) {
        List<Write> all = allWrites();
        long[] latencies = all.stream().filter(Write::acknowledged).mapToLong(w -> w.endNanos() - w.sendNanos()).sorted()
                .toArray();
        List<Long> failoverMs = new ArrayList<>(failoverWallMs);
        Collections.sort(failoverMs);
        StringBuilder out = new StringBuilder();
        boolean pass = v.pass() && shortReads.isEmpty();
        out.append(String.format(Locale.ROOT, "soak %s: %d s of load through %s, %d writers at %.0f writes/s offered,"
                        + " %d readers; %d cores, load average (1 min) mean %.1f, max %.1f over %d samples%n",
                run, options.duration.toSeconds(), endpoint, options.writers, options.writeRate, options.readers,
                Runtime.getRuntime().availableProcessors(), mean(loadSamples), max(loadSamples), loadSamples.size()));
        out.append(String.format(Locale.ROOT, "writes: sent %d, acknowledged %d, failed %d %s%n", v.sent(), v.acknowledged(),
                v.sent() - v.acknowledged(), failedByOutcome(all)));
        out.append(String.format(Locale.ROOT, "        lost (acknowledged but absent): %d in the database, %s through the"
                        + " app's read; in doubt (failed but present): %d; records of these writers nobody wrote: %d%n",
                v.lostInDatabase(), v.appReadWhole() ? String.valueOf(v.lostThroughApp()) : "? (" + v.appReadProblem() + ")",
                v.inDoubt(), v.foreign()));
        if (!v.lostIds().isEmpty()) {
            out.append("        lost ids: ").append(v.lostIds().subList(0, Math.min(20, v.lostIds().size()))).append('\n');
        }
        out.append(String.format(Locale.ROOT, "        latency of acknowledged writes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6));
        Map<String, Long> readFailures = new TreeMap<>();
        readsFailed.forEach((k, n) -> readFailures.put(k, n.get()));
        out.append(String.format(Locale.ROOT, "reads: %d, whole %d (%d records in all), failed %d %s, cut visibly %d,"
                        + " short reads answered as whole %d%n", readsSent.get(), readsWhole.get(), readRecords.get(),
                readFailures.values().stream().mapToLong(Long::longValue).sum(), readFailures, readsCutVisibly.get(),
                shortReads.size()));
        for (String line : shortReads.subList(0, Math.min(10, shortReads.size()))) {
            out.append("        ").append(line).append('\n');
        }
        out.append(String.format(Locale.ROOT, "faults: %d planned failovers done (%s ms each, min/median/max), %d failed;"
                        + " app kills %s; postmaster kills %s%n", failovers.size(),
                failoverMs.isEmpty() ? "-" : failoverMs.get(0) + "/" + failoverMs.get(failoverMs.size() / 2) + "/"
                        + failoverMs.get(failoverMs.size() - 1),
                failoversFailed.get(), appKills, postmasterKills));
        for (String failure : faultFailures) {
            out.append("        fault problem: ").append(failure).append('\n');
        }
        out.append("failed requests by the last fault that began within 30 s before they ended: writes ")
                .append(byFault(all.stream().filter(w -> !w.acknowledged()).map(Write::endNanos).toList()))
                .append(", reads ").append(byFault(new ArrayList<>(readFailureNanos))).append('\n');
        List<String> failures = new ArrayList<>();
        if (v.lostInDatabase() > 0 || v.lostThroughApp() > 0) {
            failures.add("acknowledged writes lost");
        }
        if (!v.appReadWhole()) {
            failures.add("the final check could not read every writer whole through the front door ("
                    + v.appReadProblem() + ")");
        }
        if (!shortReads.isEmpty()) {
            failures.add(shortReads.size() + " short read(s) answered as whole");
        }
        out.append(pass ? "PASS: no acknowledged write lost, no short read answered as whole"
                : "FAIL: " + String.join("; ", failures));
        return out.toString();
    }

    /** Each failure (by when it ended) counted under the last fault that began at most 30 s before it. */
    private Map<String, Long> byFault(List<Long> endNanos) {
        List<Fault> sorted;
        synchronized (faults) {
            sorted = new ArrayList<>(faults);
        }
        Map<String, Long> counts = new TreeMap<>();
        for (long ended : endNanos) {
            String cause = "none";
            for (Fault fault : sorted) {
                if (fault.atNanos() <= ended && ended - fault.atNanos() <= Duration.ofSeconds(30).toNanos()) {
                    cause = fault.kind();
                }
            }
            counts.merge(cause, 1L, Long::sum);
        }
        return counts;
    }

    private void writeCsv() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id,send_ms,latency_ms,outcome");
        for (Write w : allWrites()) {
            lines.add(String.format(Locale.ROOT, "%s,%.1f,%.1f,%s", w.id(), (w.sendNanos() - startNanos) / 1e6,
                    (w.endNanos() - w.sendNanos()) / 1e6, w.outcome()));
        }
        Files.write(options.out.resolve("writes.csv"), lines, StandardCharsets.UTF_8);
    }

    private void monitorLoop() {
        long next = System.nanoTime();
        int tick = 0;
        while (!Thread.currentThread().isInterrupted()) {
            next += Duration.ofSeconds(5).toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            loadSamples.add(loadAverage());
            if (++tick % 6 == 0 && !stop.get()) {
                say("%s; load %.1f", counts(), loadAverage());
            }
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static double mean(List<Double> values) {
        synchronized (values) {
            return values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).average()
                    .orElse(Double.NaN);
        }
    }

    private static double max(List<Double> values) {
        synchronized (values) {
            return values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max()
                    .orElse(Double.NaN);
        }
    }

    private long elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    private void say(String format, Object... args) {
        String line = String.format(Locale.ROOT, "[%4ds] ", elapsedSeconds()) + String.format(Locale.ROOT, format, args);
        System.out.println(line);
        events.println(Instant.now() + " " + line);
    }

    private void event(String what) {
        say("%s", what);
    }

    private void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static Thread start(String name, Runnable body, boolean daemon) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(daemon);
        thread.start();
        return thread;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
