package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hadr.toolkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutomaticFailoverIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldForceAFailoverOnceThePrimaryIsUnreachableForTheGracePeriodAndNotBefore() throws Exception {
        MutableClock clock = new MutableClock();
        GeoDbConfig config = GeoDbHarness.config(tempDir)
                .readWriteEndpoint(ReadWriteEndpoint.automatic(Duration.ofMinutes(5)))
                .clock(clock)
                .build();
        List<GeoDbEvent> events = new CopyOnWriteArrayList<>();
        try (GeoDatabase db = new GeoDatabase(config)) {
            db.addEventListener(events::add);
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> GeoDbHarness.idsOn(db, SOUTH).contains(1L));

            db.kill(CENTRAL);
            await().atMost(Duration.ofSeconds(30)).until(() -> db.status().primaryUnreachableSince() != null);
            clock.advance(Duration.ofMinutes(5).minusSeconds(1));

            // Health checks run every 200 ms: several see the outage just below the grace period.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> db.primary().equals(CENTRAL));
            assertThat(db.role(SOUTH)).isEqualTo(ServerRole.SECONDARY);

            clock.advance(Duration.ofSeconds(1));

            // The role flips at promotion; the report is published when the whole failover is done.
            await().atMost(Duration.ofSeconds(60)).until(() -> db.status().lastFailover() != null);
            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.role(CENTRAL)).isEqualTo(ServerRole.FENCED);
            GeoDbStatus status = db.status();
            assertThat(status.lastFailover().performed()).isEqualTo(FailoverMode.FORCED);
            assertThat(status.lastFailover().reason())
                    .contains("automatic failover policy")
                    .contains("PT5M");
            assertThat(status.readWriteTarget()).isEqualTo(SOUTH);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).contains(1L);
            assertThat(events)
                    .anyMatch(e ->
                            e.kind() == GeoDbEvent.Kind.FAILOVER && e.reason().contains("automatic"));
        }
    }
}
