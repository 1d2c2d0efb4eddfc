package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.internal.ControlFile;
import io.hadr.geodb.internal.Lsn;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionDownUpIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldResumeTheSameRolesWhenRegionsGoDownAndComeBackWithoutFailover() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1);

            db.kill(SOUTH);
            assertThat(db.state(SOUTH)).isEqualTo(ServerState.DOWN);
            assertThat(db.status().readOnlyTarget()).isNull();
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 2);
            db.bringUp(SOUTH);

            assertThat(db.role(SOUTH)).isEqualTo(ServerRole.SECONDARY);
            assertThat(db.status().server(SOUTH).streaming()).isTrue();
            assertThat(db.status().readOnlyTarget()).isEqualTo(SOUTH);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    GeoDbHarness.ids(db.readOnlyListener().jdbcUrl()))
                            .containsExactlyInAnyOrder(1L, 2L));

            db.kill(CENTRAL);
            // Like Azure's listener, the read-write address still leads to the (dead) primary:
            // connections fail fast instead of hanging.
            long started = System.nanoTime();
            assertThatThrownBy(() -> GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 3))
                    .isInstanceOf(java.sql.SQLException.class);
            // A ceiling well below the client's own 20 s socket timeout: the point is that it does not hang.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertThat(db.status().primary()).isEqualTo(CENTRAL);
            db.bringUp(CENTRAL);

            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.PRIMARY);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 3);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    GeoDbHarness.ids(db.readOnlyListener().jdbcUrl()))
                            .containsExactlyInAnyOrder(1L, 2L, 3L));
            assertThat(db.status().server(CENTRAL).timeline()).isEqualTo(1);
        }
    }

    @Test
    void shouldReadTheCheckpointFromPgControlAsPostgresReportsIt() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            Path dataDir = db.logFile(CENTRAL).resolveSibling("data");
            Properties admin = new Properties();
            admin.setProperty("user", "postgres");
            admin.setProperty("password", adminPassword(db));
            String checkpointLsn;
            int timeline;
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + db.port(CENTRAL) + "/postgres", admin);
                    Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
                try (ResultSet rs =
                        s.executeQuery("SELECT checkpoint_lsn::text, timeline_id FROM pg_control_checkpoint()")) {
                    rs.next();
                    checkpointLsn = rs.getString(1);
                    timeline = rs.getInt(2);
                }
            }

            ControlFile running = ControlFile.read(dataDir);

            assertThat(Lsn.format(running.checkpointLsn())).isEqualTo(checkpointLsn);
            assertThat(running.timeline()).isEqualTo(timeline);
            assertThat(running.state()).isEqualTo(ControlFile.IN_PRODUCTION);
            db.stop(CENTRAL);
            ControlFile stopped = ControlFile.read(dataDir);
            assertThat(stopped.cleanlyShutDown()).isTrue();
            assertThat(stopped.checkpointLsn()).isGreaterThan(running.checkpointLsn());
        }
    }

    private static String adminPassword(GeoDatabase db) throws Exception {
        Properties state = new Properties();
        try (var in =
                java.nio.file.Files.newBufferedReader(db.config().dataRoot().resolve("geodb-state.properties"))) {
            state.load(in);
        }
        return state.getProperty("adminPassword");
    }
}
