package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication, seeding and cross-region clients through the inter-region link, with real
 * PostgreSQL: what a partition does to asynchronous replication (and what a forced failover then
 * loses), what the link's latency does to synchronous commits and to clients in the other region.
 */
class InterRegionLinkIT {

    private static final Duration LATENCY = Duration.ofMillis(10);
    /** Ids of the timing inserts: negative, apart from the writers'. */
    private static final AtomicLong TIMING_IDS = new AtomicLong();

    @TempDir
    Path tempDir;

    @Test
    void shouldLetTheSecondaryFallBehindDuringAPartitionAndLoseExactlyThoseWritesInAForcedFailover() throws Exception {
        try (GeoDatabase db = new GeoDatabase(
                GeoDbHarness.config(tempDir).linkLatency(LATENCY).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            LinkStatus afterSeeding = db.link().status();
            assertThat(afterSeeding.latency()).isEqualTo(LATENCY);
            assertThat(afterSeeding.directions().get(0).deliveredBytes())
                    .as("the base backup of the primary crossed to the secondary's region")
                    .isGreaterThan(10L << 20);
            String url = db.readWriteListener(CENTRAL).jdbcUrl();

            // Before the partition: every write reaches the secondary.
            NavigableSet<Long> beforePartition;
            try (Writer writer = new Writer(url, 1)) {
                writer.awaitMore(100, Duration.ofSeconds(60));
                writer.close();
                beforePartition = new TreeSet<>(writer.acknowledged());
            }
            awaitCaughtUp(db);

            // During a partition: the primary acknowledges, the secondary falls behind.
            db.link().partition();
            NavigableSet<Long> duringPartition;
            long lagEarly;
            long lagLate;
            try (Writer writer = new Writer(url, 1_000_000)) {
                writer.awaitMore(50, Duration.ofSeconds(60));
                lagEarly = lagBytes(db);
                writer.awaitMore(150, Duration.ofSeconds(60));
                lagLate = lagBytes(db);
                writer.close();
                duringPartition = new TreeSet<>(writer.acknowledged());
            }
            GeoDbStatus partitioned = db.status();
            System.out.printf(
                    "partition: %d writes acknowledged by the primary, secondary lag %d -> %d bytes, %s ms; "
                            + "link %s%n",
                    duringPartition.size(), lagEarly, lagLate, partitioned.replicationLagMillis(), partitioned.link());
            assertThat(partitioned.link().partitioned()).isTrue();
            assertThat(lagEarly).isPositive();
            assertThat(lagLate)
                    .as("the lag grows with every acknowledged write")
                    .isGreaterThan(lagEarly);
            assertThat(GeoDbHarness.idsOn(db, SOUTH))
                    .as("nothing written during the partition reached the secondary")
                    .doesNotContainAnyElementsOf(duringPartition)
                    .containsAll(beforePartition);

            // The primary's region is lost while the link is cut: a forced failover loses exactly those writes.
            db.kill(CENTRAL);
            FailoverReport report = db.failover(FailoverMode.FORCED);

            assertThat(report.newPrimary()).isEqualTo(SOUTH);
            Set<Long> onNewPrimary =
                    GeoDbHarness.ids(db.readWriteListener(SOUTH).jdbcUrl());
            NavigableSet<Long> acknowledged = new TreeSet<>(beforePartition);
            acknowledged.addAll(duringPartition);
            NavigableSet<Long> lost = new TreeSet<>(acknowledged);
            lost.removeAll(onNewPrimary);
            assertThat(lost).isEqualTo(duringPartition);
            System.out.printf(
                    "forced failover during the partition lost %d acknowledged writes, ids %d..%d%n",
                    lost.size(), lost.first(), lost.last());
        }
    }

    @Test
    void shouldResumeStreamingWhenThePartitionHeals() throws Exception {
        try (GeoDatabase db = new GeoDatabase(
                GeoDbHarness.config(tempDir).linkLatency(LATENCY).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            // The table reaches the secondary before the cut: only the writes are left behind.
            awaitCaughtUp(db);
            db.link().partition();
            try (Writer writer = new Writer(db.readWriteListener(CENTRAL).jdbcUrl(), 1)) {
                writer.awaitMore(100, Duration.ofSeconds(60));
            }
            // Past wal_receiver_timeout (10 s): the secondary gave up its connection and retries.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !Boolean.TRUE.equals(db.status().server(SOUTH).streaming()));
            GeoDbStatus cut = db.status();
            assertThat(cut.replicationLagBytes()).isPositive();
            assertThat(cut.replicationLagMillis())
                    .as("the time since the secondary last answered")
                    .isGreaterThan(ReplicationStatus.SILENT_AFTER.toMillis());

            db.link().heal();

            Set<Long> onPrimary = GeoDbHarness.idsOn(db, CENTRAL);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(GeoDbHarness.idsOn(db, SOUTH)).isEqualTo(onPrimary));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Boolean.TRUE.equals(db.status().server(SOUTH).streaming()));
            awaitCaughtUp(db);
            assertThat(db.link().latency()).isEqualTo(LATENCY);
            assertThat(db.status().link().partitioned()).isFalse();
        }
    }

    @Test
    void shouldMakeEachSynchronousCommitWaitAtLeastOneLinkRoundTrip() throws Exception {
        Duration latency = Duration.ofMillis(40);
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir)
                .linkLatency(latency)
                .replicationMode(ReplicationMode.SYNC)
                .build())) {
            db.start();
            GeoDbHarness.createTable(db);
            await().atMost(Duration.ofSeconds(30)).until(() -> db.status().synchronousCommit());

            long[] commits = commitTimes(db.readWriteListener(CENTRAL).jdbcUrl(), 20);

            System.out.printf(
                    "synchronous commits with %d ms one way: min %.1f ms, median %.1f ms%n",
                    latency.toMillis(), commits[0] / 1e6, commits[commits.length / 2] / 1e6);
            assertThat(commits[0])
                    .as("the WAL crosses and the standby's flush comes back")
                    .isGreaterThanOrEqualTo(2 * latency.toNanos());
        }
    }

    @Test
    void shouldGiveClientsInTheOtherRegionTheLinksLatency() throws Exception {
        Duration latency = Duration.ofMillis(40);
        try (GeoDatabase db = new GeoDatabase(
                GeoDbHarness.config(tempDir).linkLatency(latency).build())) {
            db.start();
            GeoDbHarness.createTable(db);

            long[] sameRegion = queryTimes(db.readWriteListener(CENTRAL).jdbcUrl(), 20);
            long[] otherRegion = queryTimes(db.readWriteListener(SOUTH).jdbcUrl(), 20);
            long[] asyncCommits = commitTimes(db.readWriteListener(CENTRAL).jdbcUrl(), 20);

            System.out.printf(
                    "SELECT 1 with %d ms one way: same region median %.2f ms, other region min %.1f median "
                            + "%.1f ms; async commit in the primary's region median %.2f ms%n",
                    latency.toMillis(),
                    sameRegion[10] / 1e6,
                    otherRegion[0] / 1e6,
                    otherRegion[10] / 1e6,
                    asyncCommits[10] / 1e6);
            assertThat(otherRegion[0]).isGreaterThanOrEqualTo(2 * latency.toNanos());
            assertThat(sameRegion[10]).as("no link in the same region").isLessThan(latency.toNanos());
            assertThat(asyncCommits[10])
                    .as("an asynchronous commit does not wait for the link")
                    .isLessThan(latency.toNanos());
            GeoDbStatus status = db.status();
            assertThat(status.listeners())
                    .extracting(
                            ListenerStatus::name,
                            ListenerStatus::region,
                            ListenerStatus::target,
                            ListenerStatus::crossesLink)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("read-write", CENTRAL, CENTRAL, false),
                            org.assertj.core.groups.Tuple.tuple("read-write", SOUTH, CENTRAL, true),
                            org.assertj.core.groups.Tuple.tuple("read-only", CENTRAL, SOUTH, true),
                            org.assertj.core.groups.Tuple.tuple("read-only", SOUTH, SOUTH, false));
        }
    }

    private static void awaitCaughtUp(GeoDatabase db) {
        await("the secondary to replay everything")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Long.valueOf(0).equals(db.status().replicationLagBytes()));
    }

    private static long lagBytes(GeoDatabase db) {
        Long lag = db.status().replicationLagBytes();
        assertThat(lag).as("measured on the primary's side").isNotNull();
        return lag;
    }

    /** Nanoseconds of each of {@code n} single-row autocommit inserts on one connection, sorted. */
    private static long[] commitTimes(String url, int n) throws Exception {
        long[] times = new long[n];
        try (Connection c = GeoDbHarness.connect(url);
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO records (id, writer) VALUES (?, 'timing')")) {
            insert.setLong(1, TIMING_IDS.decrementAndGet());
            insert.executeUpdate();
            for (int i = 0; i < n; i++) {
                insert.setLong(1, TIMING_IDS.decrementAndGet());
                long started = System.nanoTime();
                insert.executeUpdate();
                times[i] = System.nanoTime() - started;
            }
        }
        Arrays.sort(times);
        return times;
    }

    /** Nanoseconds of each of {@code n} {@code SELECT 1} on one connection, sorted. */
    private static long[] queryTimes(String url, int n) throws Exception {
        long[] times = new long[n];
        try (Connection c = GeoDbHarness.connect(url);
                Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            for (int i = 0; i < n; i++) {
                long started = System.nanoTime();
                s.execute("SELECT 1");
                times[i] = System.nanoTime() - started;
            }
        }
        Arrays.sort(times);
        return times;
    }
}
