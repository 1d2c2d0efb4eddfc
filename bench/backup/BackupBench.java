import io.hadr.geodb.GeoDatabase;
import io.hadr.geodb.GeoDbConfig;
import io.hadr.geodb.backup.BackupSettings;
import io.hadr.geodb.backup.BaseBackupInfo;
import io.hadr.geodb.backup.RestoreMark;
import io.hadr.geodb.backup.RestoreRequest;
import io.hadr.geodb.backup.RestoreResult;
import io.hadr.geodb.backup.RestoreTarget;
import io.hadr.geodb.backup.StoreStatus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Backup and restore figures of the geo-replicated database on this machine, over the real
 * product (the geodb library as hadr runs it: two PostgreSQL servers streaming to each other,
 * every server archiving into its region's store, geo-copies, restores into new servers):
 *
 * <ul>
 *   <li>restore time as a function of the WAL to replay: a base backup, then N MB of WAL written,
 *       a mark, and a restore to the mark (which replays the N MB from that base backup);</li>
 *   <li>restore time as a function of the base backup's size: a restore to a mark made right
 *       after a base backup, at each size the database grows to;</li>
 *   <li>archive and geo-copy throughput: how far the stores trail while WAL is written as fast
 *       as the primary takes it, and how long after the writes the stores hold everything;</li>
 *   <li>base-backup throughput: data bytes per second of a base backup at each size.</li>
 * </ul>
 *
 * Usage: java -cp CLASSPATH BackupBench.java OUT_DIR [MB ...]   (default 100 500 1024)
 */
public class BackupBench {

    private static final String PASSWORD = "bench";
    private static final PrintStream OUT = System.out;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100, 500, 1024);
        }
        Files.createDirectories(out);
        GeoDbConfig config = config(out, settings(System.getenv().getOrDefault("SETTINGS", "")), "PT10M");
        List<String> walRows = new ArrayList<>();
        List<String> baseRows = new ArrayList<>();
        List<String> archiveRows = new ArrayList<>();
        String lastMark = null;
        try (GeoDatabase db = new GeoDatabase(config)) {
            long t0 = System.nanoTime();
            db.start();
            log("group started in %.1f s (load %s)", seconds(t0), load());
            String url = db.readWriteListener().jdbcUrl();
            try (Connection c = connect(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench (id bigserial PRIMARY KEY, payload text NOT NULL)");
            }
            for (int mb : sizes) {
                // The base backup the WAL restore starts from; with a restore right after it (no WAL to speak of).
                // The maintenance the last writes call for first (autovacuum would write it during the backup:
                // with wal_log_hints every page it touches after the backup's checkpoint is a full page in WAL).
                try (Connection c = connect(url); Statement s = c.createStatement()) {
                    s.execute("VACUUM (ANALYZE) bench");
                }
                String loadBefore = load();
                long b0 = System.nanoTime();
                BaseBackupInfo base = db.backup((step, at) -> log("  backup: %s (%d ms)", step, at.toMillis()));
                double baseSeconds = seconds(b0);
                log("base backup %s: %s data, %s archive in %.1f s (load %s)", base.id(), mb(base.dataBytes()),
                        mb(base.bytes()), baseSeconds, loadBefore);
                RestoreMark atBase = db.mark("bench-base-" + mb);
                Timed baseRestore = restore(db, "base-" + mb, atBase.name());
                baseRows.add(String.format(Locale.ROOT, "| %s | %s | %.1f | %.0f | %s | %.1f | %s | %s |",
                        mb(base.dataBytes()), mb(base.bytes()), baseSeconds, base.dataBytes() / 1e6 / baseSeconds,
                        mb(baseRestore.result.walReplayedBytes()), baseRestore.seconds, baseRestore.phases(), loadBefore));

                // N MB of WAL, as fast as the primary takes it, while the stores' lag is sampled.
                Written w = write(db, url, mb * 1024L * 1024L);
                long m0 = System.nanoTime();
                RestoreMark mark = db.mark("bench-wal-" + mb);
                lastMark = mark.name();
                double markSeconds = seconds(m0);
                double geoSeconds = awaitStores(db, mark.lsn());
                archiveRows.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %s | %.1f | %.1f | %s |",
                        mb(w.bytes), w.seconds, w.bytes / 1e6 / w.seconds, mb(w.maxArchiveLag), mb(w.maxGeoLag),
                        markSeconds, geoSeconds, w.load));
                log("archived: the mark was in the primary's store %.1f s after the writes, in both stores %.1f s after",
                        markSeconds, geoSeconds);
                String loadRestore = load();
                Timed walRestore = restore(db, "wal-" + mb, mark.name());
                double replaySeconds = walRestore.phase("replay");
                walRows.add(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %.0f | %s |", mb(w.bytes),
                        mb(walRestore.result.walReplayedBytes()), walRestore.seconds, walRestore.phases(),
                        walRestore.result.walReplayedBytes() / 1e6 / Math.max(0.001, replaySeconds), loadRestore));
            }
        }
        List<String> variantRows = variants(out, lastMark);
        OUT.println();
        OUT.println("## Restore time by WAL to replay (base backup taken just before the writes)");
        OUT.println("| WAL written | WAL replayed | restore s | phases s | replay MB/s | load at start |");
        OUT.println("|---|---|---|---|---|---|");
        walRows.forEach(OUT::println);
        OUT.println();
        OUT.println("## Base backups, and restore time by base backup size (restore to a mark right after it)");
        OUT.println("| data | archive | backup s | backup MB/s | WAL replayed | restore s | phases s | load at start |");
        OUT.println("|---|---|---|---|---|---|---|---|");
        baseRows.forEach(OUT::println);
        OUT.println();
        OUT.println("## Archive and geo-copy while WAL is written as fast as the primary takes it");
        OUT.println("| WAL written | write s | write MB/s | max archive lag | max geo-copy lag (other store behind the primary's) | mark archived after writes s | in both stores after writes s | load at start |");
        OUT.println("|---|---|---|---|---|---|---|---|");
        archiveRows.forEach(OUT::println);
        if (!variantRows.isEmpty()) {
            OUT.println();
            OUT.println("## The last restore again, the group restarted with other PostgreSQL settings each time");
            OUT.println("| round | settings | WAL replayed | restore s | phases s | replay MB/s | load at start |");
            OUT.println("|---|---|---|---|---|---|---|");
            variantRows.forEach(OUT::println);
        }
    }

    /**
     * VARIANTS="name:k=v,k=v;name:..." (ROUNDS times, in turn): the group is started again with each
     * variant's settings (which restored servers get too) and restored to the same mark, so that
     * recovery settings can be compared on the same WAL.
     */
    private static List<String> variants(Path out, String mark) throws Exception {
        List<String> rows = new ArrayList<>();
        String spec = System.getenv().getOrDefault("VARIANTS", "");
        if (spec.isBlank() || mark == null) {
            return rows;
        }
        int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "2"));
        for (int round = 1; round <= rounds; round++) {
            int n = 0;
            for (String variant : spec.split(";")) {
                String name = variant.substring(0, variant.indexOf(':'));
                Map<String, String> settings = settings(System.getenv().getOrDefault("SETTINGS", ""));
                settings.putAll(settings(variant.substring(variant.indexOf(':') + 1)));
                // Every variant reads the WAL as the first did: uncompressed (unless COMPRESS_AFTER says otherwise).
                try (GeoDatabase db = new GeoDatabase(config(out, settings, "P7D"))) {
                    db.start();
                    String load = load();
                    Timed t = restore(db, "variant-" + round + "-" + (++n), mark);
                    rows.add(String.format(Locale.ROOT, "| %d | %s %s | %s | %.1f | %s | %.0f | %s |", round, name,
                            settings, mb(t.result.walReplayedBytes()), t.seconds, t.phases(),
                            t.result.walReplayedBytes() / 1e6 / Math.max(0.001, t.phase("replay")), load));
                }
            }
        }
        return rows;
    }

    private static GeoDbConfig config(Path out, Map<String, String> settings, String defaultCompressAfter) {
        Duration compressAfter = Duration.parse(System.getenv().getOrDefault("COMPRESS_AFTER", defaultCompressAfter));
        Duration latency = Duration.parse(System.getenv().getOrDefault("LINK_LATENCY", "PT0.01S"));
        GeoDbConfig.Builder builder = GeoDbConfig.custom()
                .dataRoot(out.resolve("db"))
                .server("centralindia", 0)
                .server("southindia", 0)
                .initialPrimary("centralindia")
                .password(PASSWORD)
                .startupTimeout(Duration.ofMinutes(5))
                .linkLatency(latency)
                // No scheduled base backup in the middle of a measurement: the bench takes its own.
                .backups(BackupSettings.DEFAULT.withBaseBackupInterval(Duration.ofDays(35))
                        .withCompressAfter(compressAfter));
        // PostgreSQL settings of every server, restored ones too.
        settings.forEach(builder::setting);
        return builder.build();
    }

    /** "name=value,name=value" */
    private static Map<String, String> settings(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : text.split(",")) {
            if (!setting.isBlank()) {
                settings.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
            }
        }
        return settings;
    }

    /** A restore to a mark, timed, with its phases from the progress lines; dropped afterwards. */
    private static Timed restore(GeoDatabase db, String name, String mark) {
        List<String> steps = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        long r0 = System.nanoTime();
        RestoreResult result = db.restore(new RestoreRequest(new RestoreTarget.AtMark(mark), name, null), (step, elapsed) -> {
            steps.add(step);
            at.add(elapsed.toMillis());
            log("  restore %s: %s (%d ms)", name, step, elapsed.toMillis());
        });
        double took = seconds(r0);
        log("restore %s: %s replayed in %.1f s, reached %s", name, mb(result.walReplayedBytes()), took, result.reachedLsn());
        db.dropRestore(name);
        return new Timed(result, took, steps, at);
    }

    /** A finished restore and when each of its steps ended. */
    record Timed(RestoreResult result, double seconds, List<String> steps, List<Long> at) {

        private double until(String prefix) {
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).startsWith(prefix)) {
                    return at.get(i) / 1000.0;
                }
            }
            return Double.NaN;
        }

        /** Seconds of a phase: plan, unpack, start (to consistent), replay, promote. */
        double phase(String name) {
            double plan = until("restoring ");
            double unpacked = until("base backup ");
            double consistent = until("restored server accepts");
            double reached = until("reached ");
            double promoted = until("promoted");
            return switch (name) {
                case "plan" -> plan;
                case "unpack" -> unpacked - plan;
                case "start" -> consistent - unpacked;
                case "replay" -> reached - consistent;
                case "promote" -> promoted - reached;
                default -> throw new IllegalArgumentException(name);
            };
        }

        String phases() {
            return String.format(Locale.ROOT, "plan %.1f, unpack %.1f, start %.1f, replay %.1f, promote %.1f",
                    phase("plan"), phase("unpack"), phase("start"), phase("replay"), phase("promote"));
        }
    }

    record Written(long bytes, double seconds, long maxArchiveLag, long maxGeoLag, String load) {
    }

    /** Writes until the primary's WAL advanced by {@code bytes}; samples the stores' lag meanwhile. */
    private static Written write(GeoDatabase db, String url, long bytes) throws Exception {
        String loadAtStart = load();
        long maxArchive = 0;
        long maxGeo = 0;
        long w0 = System.nanoTime();
        long written;
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            long start = lsn(s);
            long lastSample = 0;
            while ((written = lsn(s) - start) < bytes) {
                // One transaction of 2,000 rows of 128 bytes of text: about 0.4 MB of WAL.
                s.execute("INSERT INTO bench (payload) SELECT repeat(md5(g::text || clock_timestamp()::text), 4) "
                        + "FROM generate_series(1, 2000) g");
                if (System.nanoTime() - lastSample > 1_000_000_000L) {
                    lastSample = System.nanoTime();
                    var status = db.backupStatus();
                    if (status.archiveLagBytes() != null) {
                        maxArchive = Math.max(maxArchive, status.archiveLagBytes());
                    }
                    if (status.geoCopyLagBytes() != null) {
                        maxGeo = Math.max(maxGeo, status.geoCopyLagBytes());
                    }
                    log("  wrote %s, archive lag %s, geo-copy lag %s", mb(written), mb(status.archiveLagBytes()),
                            mb(status.geoCopyLagBytes()));
                }
            }
        }
        double took = seconds(w0);
        log("wrote %s of WAL in %.1f s (%.1f MB/s)", mb(written), took, written / 1e6 / took);
        return new Written(written, took, maxArchive, maxGeo, loadAtStart);
    }

    /** Waits until every region's store holds the WAL up to {@code lsn}; seconds waited. */
    private static double awaitStores(GeoDatabase db, String lsn) throws InterruptedException {
        long target = parseLsn(lsn);
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (StoreStatus store : db.backups().stores()) {
                all &= store.archivedThrough() != null && Long.compareUnsigned(parseLsn(store.archivedThrough()), target) >= 0;
            }
            if (all) {
                return seconds(t0);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the stores did not hold " + lsn + " within 10 minutes: " + db.backups().stores());
    }

    private static long lsn(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return parseLsn(rs.getString(1));
        }
    }

    private static long parseLsn(String lsn) {
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    private static Connection connect(String url) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "hadr");
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url, p);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String mb(Long bytes) {
        return bytes == null ? "?" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "?";
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf("%tT " + format + "%n", prepend(System.currentTimeMillis(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
