package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForcedFailoverIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldKeepNewWritesAndReseedTheFencedPrimaryWhenItComesBack() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            int centralPort = db.port(CENTRAL);
            NavigableSet<Long> acknowledgedByNewPrimary;
            FailoverReport report;
            try (Writer writer = new Writer(db.readWriteListener().jdbcUrl(), 1)) {
                writer.awaitMore(100, Duration.ofSeconds(60));

                db.kill(CENTRAL);
                // MANUAL policy: an unreachable primary alone never moves the role.
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> db.primary().equals(CENTRAL));
                long lastBeforeFailover = writer.acknowledged().isEmpty()
                        ? 0
                        : writer.acknowledged().last();
                report = db.failover(
                        FailoverMode.FORCED,
                        (step, at) -> System.out.printf("forced failover: %s %.3f s%n", step, at.toNanos() / 1e9));
                writer.awaitMore(200, Duration.ofSeconds(60));
                writer.close();
                acknowledgedByNewPrimary = writer.acknowledged().tailSet(lastBeforeFailover, false);
                System.out.printf(
                        "writer: %d acknowledged (%d after the failover), %d failed attempts%n",
                        writer.count(), acknowledgedByNewPrimary.size(), writer.failures());
            }

            System.out.println(report);
            assertThat(report.performed()).isEqualTo(FailoverMode.FORCED);
            assertThat(report.dataLossPossible()).isTrue();
            assertThat(report.phases())
                    .extracting(FailoverReport.Phase::name)
                    .containsExactly("old primary fenced", "promoted", "listeners moved");
            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.secondary()).isNull();
            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.FENCED);
            assertThat(db.state(CENTRAL)).isEqualTo(ServerState.DOWN);
            assertThat(Files.exists(tempDir.resolve("db").resolve(CENTRAL).resolve("FENCED")))
                    .isTrue();
            assertThat(db.status().readOnlyTarget()).isNull();
            assertThat(db.status().server(SOUTH).timeline()).isEqualTo(2);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).containsAll(acknowledgedByNewPrimary);
            // The fenced old primary accepts nothing while it is out: its port is closed.
            assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", centralPort), 1000))
                    .isInstanceOf(java.io.IOException.class);

            db.bringUp(CENTRAL);

            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.SECONDARY);
            assertThat(db.secondary()).isEqualTo(CENTRAL);
            assertThat(Files.exists(tempDir.resolve("db").resolve(CENTRAL).resolve("FENCED")))
                    .isFalse();
            assertThat(GeoDbHarness.inRecovery(db.readOnlyListener().jdbcUrl())).isTrue();
            Set<Long> onNewPrimary = GeoDbHarness.idsOn(db, SOUTH);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(new TreeSet<>(GeoDbHarness.idsOn(db, CENTRAL)))
                            .isEqualTo(new TreeSet<>(onNewPrimary)));
            GeoDbStatus status = db.status();
            assertThat(status.readOnlyTarget()).isEqualTo(CENTRAL);
            assertThat(status.server(CENTRAL).streaming()).isTrue();
            assertThat(status.server(CENTRAL).timeline()).isEqualTo(2);
        }
    }

    @Test
    void shouldRefusePlannedFailoverWithThePrimaryDownAndFallBackToForcedWhenTryingPlanned() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1, 2, 3);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> GeoDbHarness.idsOn(db, SOUTH).size() == 3);
            db.kill(CENTRAL);

            assertThatThrownBy(() -> db.failover(FailoverMode.PLANNED))
                    .isInstanceOf(FailoverRefusedException.class)
                    .hasMessageContaining("planned failover refused")
                    .hasMessageContaining("'centralindia'")
                    .hasMessageContaining("unreachable")
                    .hasMessageContaining("forced failover");
            assertThat(db.primary()).isEqualTo(CENTRAL);
            assertThat(db.role(SOUTH)).isEqualTo(ServerRole.SECONDARY);

            FailoverReport report = db.failover(FailoverMode.TRY_PLANNED);

            System.out.println(report);
            assertThat(report.requested()).isEqualTo(FailoverMode.TRY_PLANNED);
            assertThat(report.performed()).isEqualTo(FailoverMode.FORCED);
            assertThat(report.fallbackReason()).contains("unreachable");
            assertThat(report.phases())
                    .extracting(FailoverReport.Phase::name)
                    .containsExactly("planned failover abandoned", "old primary fenced", "promoted", "listeners moved");
            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.FENCED);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).containsExactlyInAnyOrder(1L, 2L, 3L);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 4);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).contains(4L);
        }
    }

    @Test
    void shouldFallBackToForcedWhenTheSecondaryCannotCatchUpInTime() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir)
                .plannedFailoverTimeout(Duration.ofSeconds(1))
                .build())) {
            db.start();
            GeoDbHarness.createTable(db);
            // Pause replay on the secondary: it keeps receiving WAL but cannot catch up.
            pauseReplay(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1, 2, 3);

            FailoverReport report = db.failover(FailoverMode.TRY_PLANNED);

            System.out.println(report);
            assertThat(report.performed()).isEqualTo(FailoverMode.FORCED);
            assertThat(report.fallbackReason()).contains("did not catch up within PT1S");
            assertThat(db.primary()).isEqualTo(SOUTH);
            // The old primary was reachable: like Azure, it is back at once as the reseeded secondary.
            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.SECONDARY);
            assertThat(report.phases())
                    .extracting(FailoverReport.Phase::name)
                    .endsWith("old primary reseeded as secondary");
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 10);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(GeoDbHarness.idsOn(db, CENTRAL)).contains(10L));
        }
    }

    private static void pauseReplay(GeoDatabase db) throws Exception {
        java.util.Properties admin = new java.util.Properties();
        admin.setProperty("user", "postgres");
        admin.setProperty("password", adminPassword(db));
        try (var c = java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + db.port(SOUTH) + "/postgres", admin);
                var s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_pause()");
        }
    }

    private static String adminPassword(GeoDatabase db) throws Exception {
        java.util.Properties state = new java.util.Properties();
        try (var in = Files.newBufferedReader(db.config().dataRoot().resolve("geodb-state.properties"))) {
            state.load(in);
        }
        return state.getProperty("adminPassword");
    }
}
