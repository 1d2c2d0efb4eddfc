package io.hadr.drill;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.Capability;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.FailoverResult;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.Platform;
import io.hadr.core.platform.PlatformException;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import io.hadr.core.platform.RestoreResult;
import io.hadr.core.platform.RestoreTarget;
import io.hadr.core.platform.SqlResult;
import io.hadr.core.platform.SqlTarget;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small two-region environment in one JVM that behaves, over real HTTP on loopback, the way the
 * real one does from a drill's point of view: a front door that notices a dead origin only after a
 * detection delay, apps that answer {@code GET /} with their region, a failover group with an
 * asynchronous geo-secondary that falls behind while the link is partitioned (so a forced failover
 * really loses the writes acknowledged meanwhile), point-in-time restores from a history of
 * commits, and the records endpoint of the app's contract, which can be told to break streams.
 */
final class FakeEnvironment implements AutoCloseable {

    private static final Pattern IN_LIST = Pattern.compile(
            "(?i)^\\s*(DELETE|SELECT\\s+id)\\s+FROM\\s+records\\s+WHERE\\s+writer\\s+IN\\s*\\(([^)]*)\\)\\s*$");

    record Row(String id, String writer, long seq, String region, Instant committedAt) {}

    /** A database server's rows and the history of its commits (for point-in-time restores). */
    static final class Server {
        final LinkedHashMap<String, Row> rows = new LinkedHashMap<>();
        /** (commit time, row inserted) or (commit time, ids deleted). */
        final List<Object[]> history = new ArrayList<>();

        Server copy() {
            Server copy = new Server();
            copy.rows.putAll(rows);
            copy.history.addAll(history);
            return copy;
        }
    }

    final class RegionState {
        final Region region;
        volatile boolean appRunning;
        volatile long changedAt = System.nanoTime() - 10_000_000_000L;
        volatile boolean dbUp = true;
        volatile int priority;
        volatile int weight = 1000;
        volatile boolean enabled = true;
        volatile int instances;

        RegionState(Region region, boolean running, int priority) {
            this.region = region;
            this.appRunning = running;
            this.priority = priority;
            this.instances = running ? 1 : 0;
        }

        void setRunning(boolean running) {
            if (running != appRunning) {
                appRunning = running;
                changedAt = System.nanoTime();
            }
        }

        /** What the front door believes: the truth as of the detection delay ago. */
        boolean seenHealthy() {
            boolean settled = System.nanoTime() - changedAt >= detectionDelay.toNanos();
            return settled ? appRunning : !appRunning;
        }
    }

    private final Topology topology;
    private final Map<String, RegionState> regions = new LinkedHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor;
    final Duration detectionDelay;
    private final Object db = new Object();
    private final Map<String, Server> servers = new HashMap<>();
    private final Map<String, Server> restores = new HashMap<>();
    private final Map<String, Instant> marks = new HashMap<>();
    private final List<Row> unreplicated = new ArrayList<>();
    private final Set<String> lostOnForcedFailover = Collections.synchronizedSet(new HashSet<>());
    private final AtomicInteger brokenReads = new AtomicInteger();
    private final AtomicInteger restoreCount = new AtomicInteger();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile String primary;
    private volatile String secondary;
    private volatile boolean partitioned;
    private volatile boolean switching;
    /** Cold standby: the other region's copy of the backups trails by this much. */
    private volatile Duration geoBackupLag = Duration.ofMillis(500);

    FakeEnvironment(Topology topology, Duration detectionDelay) throws IOException {
        this.topology = topology;
        this.detectionDelay = detectionDelay;
        Strategy strategy = topology.strategy();
        for (Region region : topology.regions()) {
            boolean running = region.isPrimary() || strategy.secondaryAppsRunning();
            int priority = topology.frontDoor().origin(region.id()).priority();
            regions.put(region.id(), new RegionState(region, running, priority));
        }
        primary = topology.primary().id();
        servers.put(primary, new Server());
        if (strategy != Strategy.COLD_STANDBY) {
            secondary = topology.secondary().id();
            servers.put(secondary, new Server());
        }
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "fake-frontdoor");
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code n} record reads break off part-way, like an app whose database went away mid-stream. */
    void breakNextReads(int n) {
        brokenReads.set(n);
    }

    /** Ids the last forced failover discarded: acknowledged on the old primary, never replicated. */
    Set<String> lostOnForcedFailover() {
        synchronized (lostOnForcedFailover) {
            return Set.copyOf(lostOnForcedFailover);
        }
    }

    /** The ids the serving database holds for a writer. */
    Set<String> idsOf(String writer) {
        synchronized (db) {
            Set<String> ids = new HashSet<>();
            for (Row row : servers.get(primary).rows.values()) {
                if (row.writer().equals(writer)) {
                    ids.add(row.id());
                }
            }
            return ids;
        }
    }

    String primary() {
        return primary;
    }

    RegionState region(String id) {
        RegionState state = regions.get(id);
        if (state == null) {
            throw new PlatformException("no region '" + id + "'");
        }
        return state;
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            RegionState origin = route();
            if (origin == null || !origin.appRunning) {
                // The front door reached no app: Azure answers 503 with its own error, without an app's headers.
                send(exchange, 503, "{\"error\":\"OriginConnectionRefused\"}", null);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("/")) {
                send(
                        exchange,
                        200,
                        "{\"region\":\"" + origin.region.displayName() + "\",\"instance\":\"fake\"}",
                        origin);
            } else if (method.equals("POST") && path.equals("/api/records")) {
                write(exchange, origin);
            } else if (method.equals("GET") && path.equals("/api/records")) {
                readRecords(exchange, origin);
            } else {
                send(exchange, 404, "{\"error\":\"not found\"}", origin);
            }
        }
    }

    private RegionState route() {
        List<RegionState> enabled =
                regions.values().stream().filter(r -> r.enabled).toList();
        List<RegionState> healthy =
                enabled.stream().filter(RegionState::seenHealthy).toList();
        List<RegionState> candidates = healthy.isEmpty() ? enabled : healthy;
        if (candidates.isEmpty()) {
            return null;
        }
        int best = candidates.stream().mapToInt(r -> r.priority).min().orElseThrow();
        List<RegionState> top =
                candidates.stream().filter(r -> r.priority == best).toList();
        int total = top.stream().mapToInt(r -> r.weight).sum();
        int pick = ThreadLocalRandom.current().nextInt(total);
        for (RegionState r : top) {
            pick -= r.weight;
            if (pick < 0) {
                return r;
            }
        }
        return top.get(0);
    }

    private boolean databaseReachableFrom(RegionState app) {
        RegionState primaryRegion = regions.get(primary);
        if (switching || !primaryRegion.dbUp) {
            return false;
        }
        return !(partitioned && !app.region.id().equals(primary));
    }

    private void write(HttpExchange exchange, RegionState origin) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"id\":\"([^\"]+)\",\"writer\":\"([^\"]+)\",\"seq\":(\\d+)")
                .matcher(body);
        if (!m.find()) {
            send(exchange, 400, "{\"error\":\"bad body\"}", origin);
            return;
        }
        int status;
        synchronized (db) {
            if (!databaseReachableFrom(origin)) {
                status = 503;
            } else {
                Server p = servers.get(primary);
                if (p.rows.containsKey(m.group(1))) {
                    status = 200;
                } else {
                    Row row = new Row(
                            m.group(1),
                            m.group(2),
                            Long.parseLong(m.group(3)),
                            origin.region.displayName(),
                            Instant.now());
                    p.rows.put(row.id(), row);
                    p.history.add(new Object[] {row.committedAt(), row});
                    replicate(row);
                    status = 201;
                }
            }
        }
        send(
                exchange,
                status,
                status == 503 ? "{\"error\":\"the database is unavailable\"}" : "{\"id\":\"" + m.group(1) + "\"}",
                origin);
    }

    private void replicate(Row row) {
        if (secondary == null) {
            return;
        }
        if (partitioned || !regions.get(secondary).dbUp) {
            unreplicated.add(row);
        } else {
            Server s = servers.get(secondary);
            s.rows.put(row.id(), row);
            s.history.add(new Object[] {row.committedAt(), row});
        }
    }

    private void readRecords(HttpExchange exchange, RegionState origin) throws IOException {
        String writer = exchange.getRequestURI().getQuery().replaceFirst("^writer=", "");
        List<Row> rows = new ArrayList<>();
        synchronized (db) {
            if (!databaseReachableFrom(origin)) {
                send(exchange, 503, "{\"error\":\"the database is unavailable\"}", origin);
                return;
            }
            for (Row row : servers.get(primary).rows.values()) {
                if (row.writer().equals(writer)) {
                    rows.add(row);
                }
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("X-Hadr-Region", origin.region.displayName());
        exchange.sendResponseHeaders(200, 0);
        boolean broken = brokenReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(("{\"writer\":\"" + writer + "\",\"records\":[").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < rows.size(); i++) {
                if (broken && i == rows.size() / 2) {
                    // The stream ends here, without the rest of the document: visibly broken.
                    return;
                }
                Row r = rows.get(i);
                out.write(((i == 0 ? "" : ",") + "{\"id\":\"" + r.id() + "\",\"writer\":\"" + r.writer() + "\",\"seq\":"
                                + r.seq() + ",\"region\":\"" + r.region() + "\",\"committedAt\":\"" + r.committedAt()
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            if (broken) {
                return;
            }
            out.write(("],\"count\":" + rows.size() + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String body, RegionState origin) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (origin != null) {
            exchange.getResponseHeaders().set("X-Hadr-Region", origin.region.displayName());
            exchange.getResponseHeaders().set("X-Hadr-Instance", origin.region.id() + "-1");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // ---- what the platform does ----------------------------------------------------------------

    void app(String region, AppAction action) {
        RegionState r = region(region);
        switch (action) {
            case STOP, KILL -> r.setRunning(false);
            case START -> r.setRunning(true);
            case RESTART -> {
                r.setRunning(false);
                r.setRunning(true);
            }
        }
    }

    void scale(String region, int instances) {
        RegionState r = region(region);
        r.instances = instances;
        r.setRunning(instances > 0);
    }

    void regionChange(String region, RegionAction action) {
        RegionState r = region(region);
        synchronized (db) {
            if (action == RegionAction.DOWN) {
                r.setRunning(false);
                r.dbUp = false;
            } else {
                r.dbUp = true;
                r.setRunning(r.instances > 0
                        || topology.region(region).isPrimary()
                        || topology.strategy().secondaryAppsRunning());
                if (!region.equals(primary) && servers.containsKey(region) && secondary == null) {
                    // A former primary comes back after a forced failover: reseeded from the new primary.
                    servers.put(region, servers.get(primary).copy());
                    secondary = region;
                } else if (region.equals(secondary)) {
                    for (Row row : unreplicated) {
                        servers.get(secondary).rows.put(row.id(), row);
                    }
                    unreplicated.clear();
                }
            }
        }
    }

    FailoverResult failover(FailoverMode mode) {
        Instant started = Instant.now();
        String oldPrimary;
        String newPrimary;
        FailoverMode performed = mode;
        synchronized (db) {
            if (secondary == null) {
                throw new PlatformException("there is no geo-secondary to fail over to");
            }
            oldPrimary = primary;
            newPrimary = secondary;
            boolean primaryReachable = regions.get(primary).dbUp && !partitioned;
            if (mode == FailoverMode.PLANNED && !primaryReachable) {
                throw new PlatformException("a planned failover needs the primary and the link; use forced");
            }
            if (mode == FailoverMode.TRY_PLANNED) {
                performed = primaryReachable ? FailoverMode.PLANNED : FailoverMode.FORCED;
            }
            if (performed == FailoverMode.PLANNED) {
                for (Row row : unreplicated) {
                    servers.get(secondary).rows.put(row.id(), row);
                }
                unreplicated.clear();
                primary = newPrimary;
                secondary = oldPrimary;
                switching = true;
            } else {
                for (Row row : unreplicated) {
                    lostOnForcedFailover.add(row.id());
                }
                unreplicated.clear();
                primary = newPrimary;
                // The old primary is fenced: it comes back as secondary only when its region returns.
                secondary = regions.get(oldPrimary).dbUp ? oldPrimary : null;
                if (secondary != null) {
                    servers.put(oldPrimary, servers.get(primary).copy());
                }
            }
        }
        if (performed == FailoverMode.PLANNED) {
            sleepQuietly(100);
            switching = false;
        }
        return new FailoverResult(
                mode,
                performed,
                oldPrimary,
                newPrimary,
                started,
                List.of(new FailoverResult.Phase(
                        "switched", Duration.between(started, Instant.now()).toMillis())),
                performed == FailoverMode.FORCED,
                mode == FailoverMode.TRY_PLANNED && performed == FailoverMode.FORCED
                        ? "the primary is unreachable"
                        : null);
    }

    void origin(String region, OriginChange change) {
        RegionState r = region(region);
        if (change.enabled() != null) {
            r.enabled = change.enabled();
        }
        if (change.priority() != null) {
            r.priority = change.priority();
        }
        if (change.weight() != null) {
            r.weight = change.weight();
        }
    }

    void link(LinkFault fault) {
        synchronized (db) {
            if (fault instanceof LinkFault.Partition) {
                partitioned = true;
            } else if (fault instanceof LinkFault.Heal) {
                partitioned = false;
                if (secondary != null && regions.get(secondary).dbUp) {
                    for (Row row : unreplicated) {
                        servers.get(secondary).rows.put(row.id(), row);
                    }
                    unreplicated.clear();
                }
            }
        }
    }

    void mark(String name) {
        synchronized (db) {
            marks.put(name, Instant.now());
        }
        sleepQuietly(2);
    }

    RestoreResult restore(RestoreRequest request) {
        long started = System.nanoTime();
        Instant target;
        synchronized (db) {
            if (request.target() instanceof RestoreTarget.AtTime at) {
                target = at.time();
            } else if (request.target() instanceof RestoreTarget.Latest) {
                target = Instant.now();
            } else if (request.target() instanceof RestoreTarget.AtMark mark) {
                target = marks.get(mark.name());
                if (target == null) {
                    throw new PlatformException("no restore point named " + mark.name());
                }
            } else {
                throw new PlatformException("the fake restores to a time, a mark or the latest point only");
            }
            Server source = servers.get(primary);
            if (request.fromRegion() != null && !request.fromRegion().equals(primary)) {
                // The other region's copies trail the primary's backups.
                Instant copied = Instant.now().minus(geoBackupLag);
                target = target.isAfter(copied) ? copied : target;
            }
            Server restored = new Server();
            Instant reached = null;
            for (Object[] event : source.history) {
                Instant at = (Instant) event[0];
                if (at.isAfter(target)) {
                    break;
                }
                reached = at;
                if (event[1] instanceof Row row) {
                    restored.rows.put(row.id(), row);
                } else {
                    @SuppressWarnings("unchecked")
                    List<String> deleted = (List<String>) event[1];
                    deleted.forEach(restored.rows::remove);
                }
                restored.history.add(event);
            }
            String name = request.as() != null ? request.as() : "restore-" + restoreCount.incrementAndGet();
            restores.put(name, restored);
            sleepQuietly(50);
            return new RestoreResult(
                    name,
                    request.fromRegion() == null ? primary : request.fromRegion(),
                    "fake:" + name,
                    reached,
                    null,
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    void adopt(String name) {
        synchronized (db) {
            Server restored = restores.remove(name);
            if (restored == null) {
                throw new PlatformException("no restore named " + name);
            }
            if (!regions.get(primary).dbUp) {
                // A geo-restore adopted while the old primary's region is away: it serves from the region it was
                // restored into.
                String other = topology.regions().stream()
                        .map(Region::id)
                        .filter(id -> !id.equals(primary))
                        .findFirst()
                        .orElseThrow();
                primary = other;
                regions.get(other).dbUp = true;
            }
            servers.put(primary, restored);
            unreplicated.clear();
            secondary = topology.regions().stream()
                    .map(Region::id)
                    .filter(id -> !id.equals(primary) && regions.get(id).dbUp && servers.containsKey(id))
                    .findFirst()
                    .orElse(null);
            if (secondary != null) {
                servers.put(secondary, restored.copy());
            }
        }
    }

    /** Cold standby: how far the other region's copy of the backups trails. */
    void geoBackupLag(Duration lag) {
        geoBackupLag = lag;
    }

    SqlResult sql(SqlTarget target, String statement) {
        if (statement.contains("to_regclass('records')")) {
            // The app creates its table before its first write: a server without history has none.
            synchronized (db) {
                Server server =
                        target.kind() == SqlTarget.Kind.RESTORE ? restores.get(target.name()) : servers.get(primary);
                String answer = server == null || server.history.isEmpty() ? "absent" : "present";
                return new SqlResult("SELECT", List.of("case"), List.of(List.of(answer)), null);
            }
        }
        Matcher m = IN_LIST.matcher(statement);
        if (!m.matches()) {
            throw new PlatformException(
                    "the fake runs only DELETE/SELECT id FROM records WHERE writer IN (...), not: " + statement);
        }
        Set<String> writers = new HashSet<>();
        for (String part : m.group(2).split(",")) {
            writers.add(part.trim().replace("'", ""));
        }
        synchronized (db) {
            Server server = switch (target.kind()) {
                case READ_WRITE_LISTENER -> servers.get(primary);
                case SERVER -> servers.get(target.name());
                case RESTORE -> restores.get(target.name());
            };
            if (server == null) {
                throw new PlatformException("no such server: " + target);
            }
            if (m.group(1).toUpperCase().startsWith("DELETE")) {
                List<String> ids = server.rows.values().stream()
                        .filter(r -> writers.contains(r.writer()))
                        .map(Row::id)
                        .toList();
                ids.forEach(server.rows::remove);
                server.history.add(new Object[] {Instant.now(), ids});
                if (target.kind() == SqlTarget.Kind.READ_WRITE_LISTENER && secondary != null) {
                    ids.forEach(servers.get(secondary).rows::remove);
                }
                return new SqlResult("DELETE", List.of(), List.of(), (long) ids.size());
            }
            List<List<String>> rows = server.rows.values().stream()
                    .filter(r -> writers.contains(r.writer()))
                    .map(r -> List.of(r.id()))
                    .toList();
            return new SqlResult("SELECT", List.of("id"), rows, null);
        }
    }

    EnvironmentStatus status() {
        List<EnvironmentStatus.RegionStatus> list = new ArrayList<>();
        for (RegionState r : regions.values()) {
            String role =
                    r.region.id().equals(primary) ? "primary" : r.region.id().equals(secondary) ? "secondary" : "none";
            list.add(new EnvironmentStatus.RegionStatus(
                    r.region.id(),
                    r.region.displayName(),
                    role,
                    List.of(new EnvironmentStatus.AppStatus(
                            r.region.id() + "-1",
                            "fake",
                            r.appRunning ? "running" : "stopped",
                            null,
                            null,
                            0,
                            null,
                            null)),
                    new EnvironmentStatus.OriginStatus(
                            r.priority, r.weight, r.enabled, r.seenHealthy(), List.of(), null, 0, 0)));
        }
        Long lagMs;
        synchronized (db) {
            lagMs = secondary == null
                    ? null
                    : unreplicated.isEmpty()
                            ? 0L
                            : Duration.between(unreplicated.get(0).committedAt(), Instant.now())
                                    .toMillis();
        }
        EnvironmentStatus.DatabaseStatus database = new EnvironmentStatus.DatabaseStatus(
                primary, secondary, "steady", "fake:rw", primary, "fake:ro", secondary, "async", false, null, lagMs,
                "manual", null, List.of(), null);
        return new EnvironmentStatus(
                "fake",
                topology.name(),
                topology.strategy().id(),
                topology.source(),
                endpoint().toString(),
                topology.frontDoor().frontDoorId(),
                Instant.now(),
                null,
                list,
                database,
                List.of(),
                null,
                null);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A {@link Platform} over this environment, with the given capabilities. */
    FakePlatform platform(Set<Capability> capabilities) {
        return new FakePlatform(capabilities);
    }

    FakePlatform platform() {
        return platform(EnumSet.allOf(Capability.class));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** The drills' view of the fake: every operation is logged in {@link #calls}. */
    final class FakePlatform implements Platform {
        private final Set<Capability> capabilities;
        volatile Runnable onClose = () -> {};

        FakePlatform(Set<Capability> capabilities) {
            this.capabilities = Set.copyOf(capabilities);
        }

        FakeEnvironment environment() {
            return FakeEnvironment.this;
        }

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Topology topology() {
            return topology;
        }

        @Override
        public URI endpoint() {
            return FakeEnvironment.this.endpoint();
        }

        @Override
        public EnvironmentStatus status() {
            return FakeEnvironment.this.status();
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities;
        }

        @Override
        public void app(String region, AppAction action) {
            calls.add("app " + action.word() + " " + region);
            FakeEnvironment.this.app(region, action);
        }

        @Override
        public void scale(String region, int instances) {
            calls.add("app scale " + region + " " + instances);
            FakeEnvironment.this.scale(region, instances);
        }

        @Override
        public void region(String region, RegionAction action) {
            calls.add("region " + action.word() + " " + region);
            regionChange(region, action);
        }

        @Override
        public FailoverResult failover(FailoverMode mode) {
            calls.add("db failover " + mode.word());
            return FakeEnvironment.this.failover(mode);
        }

        @Override
        public void origin(String region, OriginChange change) {
            calls.add("frontdoor origin " + region);
            FakeEnvironment.this.origin(region, change);
        }

        @Override
        public void link(LinkFault fault) {
            calls.add("link " + fault.getClass().getSimpleName().toLowerCase());
            FakeEnvironment.this.link(fault);
        }

        @Override
        public void mark(String name) {
            calls.add("db mark " + name);
            FakeEnvironment.this.mark(name);
        }

        @Override
        public RestoreResult restore(RestoreRequest request) {
            calls.add("db restore");
            return FakeEnvironment.this.restore(request);
        }

        @Override
        public void adopt(String restore) {
            calls.add("db adopt " + restore);
            FakeEnvironment.this.adopt(restore);
        }

        @Override
        public SqlResult sql(SqlTarget target, String statement) {
            calls.add("db sql " + statement);
            return FakeEnvironment.this.sql(target, statement);
        }

        @Override
        public void close() {
            onClose.run();
        }
    }
}
