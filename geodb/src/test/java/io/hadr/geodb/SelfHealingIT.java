package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-region high availability: crashed servers come back by themselves; deliberate outages stay. */
class SelfHealingIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldRestartACrashedPrimaryInPlaceSoWritesComeBackWithoutAnOperator() throws Exception {
        List<GeoDbEvent> events = new CopyOnWriteArrayList<>();
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.addEventListener(events::add);
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1);
            long pid = db.status().server(CENTRAL).pid();

            Signals.send(pid, "KILL");

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 2));
            // Writes may get through a moment before the restart has seen the server answer.
            await().atMost(Duration.ofSeconds(30)).until(() -> db.state(CENTRAL) == ServerState.RUNNING);
            GeoDbStatus status = db.status();
            assertThat(status.primary()).as("healed in place, not failed over").isEqualTo(CENTRAL);
            assertThat(status.server(CENTRAL).state()).isEqualTo(ServerState.RUNNING);
            assertThat(status.server(CENTRAL).pid()).isNotEqualTo(pid);
            assertThat(status.server(CENTRAL).restarts()).isEqualTo(1);
            assertThat(status.server(CENTRAL).lastCrashAt()).isNotNull();
            assertThat(status.server(CENTRAL).crashLooping()).isFalse();
            assertThat(status.server(SOUTH).restarts()).isZero();
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).containsExactlyInAnyOrder(1L, 2L);
            assertThat(events)
                    .anyMatch(e -> e.kind() == GeoDbEvent.Kind.HEALING
                            && e.subject().equals(CENTRAL)
                            && e.reason().contains("restart #1"));
            // While it restarted, new connections were held rather than refused, then released to it.
            assertThat(events)
                    .anyMatch(e -> e.kind() == GeoDbEvent.Kind.LISTENER
                            && e.subject().equals(GeoDatabase.READ_WRITE)
                            && e.reason().contains("being restarted"));
            assertThat(status.readWriteTarget()).isEqualTo(CENTRAL);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(GeoDbHarness.idsOn(db, SOUTH)).containsExactlyInAnyOrder(1L, 2L));
        }
    }

    @Test
    void shouldLeaveADeliberatelyKilledServerDownAndStopRestartingOneThatKeepsCrashing() throws Exception {
        List<GeoDbEvent> events = new CopyOnWriteArrayList<>();
        GeoDbConfig config = GeoDbHarness.config(tempDir)
                .selfHealing(new SelfHealing(true, 1, Duration.ofMinutes(10), Duration.ZERO, Duration.ofSeconds(1)))
                .build();
        try (GeoDatabase db = new GeoDatabase(config)) {
            db.addEventListener(events::add);
            db.start();

            db.kill(SOUTH);
            // Ten health checks and more: a region taken down on purpose stays down.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> db.state(SOUTH) == ServerState.DOWN);
            assertThat(db.status().server(SOUTH).restarts()).isZero();
            db.bringUp(SOUTH);

            Signals.send(db.status().server(SOUTH).pid(), "KILL");
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                ServerStatus south = db.status().server(SOUTH);
                assertThat(south.restarts()).isEqualTo(1);
                assertThat(south.state()).isEqualTo(ServerState.RUNNING);
                assertThat(south.streaming()).isTrue();
            });

            Signals.send(db.status().server(SOUTH).pid(), "KILL");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> db.status().server(SOUTH).crashLooping());
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> db.state(SOUTH) == ServerState.DOWN);
            assertThat(db.status().server(SOUTH).restarts()).isEqualTo(1);
            assertThat(events).anyMatch(e -> e.kind() == GeoDbEvent.Kind.HEALING && "crash-looping".equals(e.to()));
            assertThat(db.groupState()).isEqualTo(GroupState.DEGRADED);

            db.bringUp(SOUTH);

            assertThat(db.state(SOUTH)).isEqualTo(ServerState.RUNNING);
            assertThat(db.status().server(SOUTH).crashLooping()).isFalse();
        }
    }
}
