package io.hadr.geodb;

import static io.hadr.geodb.GeoDbHarness.CENTRAL;
import static io.hadr.geodb.GeoDbHarness.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One failover at a time, addressed to the server that is to become primary. */
class FailoverTargetIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldMoveThePrimaryExactlyOnceWhenTwoFailoversAreAskedTogether() throws Exception {
        List<GeoDbEvent> events = new CopyOnWriteArrayList<>();
        ExecutorService operators = Executors.newFixedThreadPool(2);
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.addEventListener(events::add);
            db.start();
            GeoDbHarness.createTable(db);
            GeoDbHarness.insert(db.readWriteListener().jdbcUrl(), 1, 2, 3);
            CountDownLatch go = new CountDownLatch(1);
            Callable<Object> operator = () -> {
                go.await();
                try {
                    return db.failover(FailoverMode.PLANNED);
                } catch (FailoverRefusedException e) {
                    return e;
                }
            };
            Future<Object> first = operators.submit(operator);
            Future<Object> second = operators.submit(operator);

            go.countDown();
            List<Object> outcomes = List.of(first.get(300, TimeUnit.SECONDS), second.get(300, TimeUnit.SECONDS));

            assertThat(outcomes).filteredOn(FailoverReport.class::isInstance).hasSize(1);
            assertThat(outcomes)
                    .filteredOn(o ->
                            o instanceof FailoverGroupBusyException || o instanceof FailoverTargetIsPrimaryException)
                    .hasSize(1);
            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.secondary()).isEqualTo(CENTRAL);
            assertThat(GeoDbHarness.ids(db.readWriteListener().jdbcUrl())).containsExactlyInAnyOrder(1L, 2L, 3L);
            List<GeoDbEvent> failoverEvents = events.stream()
                    .filter(e -> e.kind() == GeoDbEvent.Kind.FAILOVER)
                    .toList();
            assertThat(failoverEvents)
                    .filteredOn(e -> e.reason().startsWith("done"))
                    .hasSize(1);
            assertThat(failoverEvents).isNotEmpty().allSatisfy(e -> {
                assertThat(e.from()).isEqualTo(CENTRAL);
                assertThat(e.to()).isEqualTo(SOUTH);
                assertThat(e.mode()).isEqualTo(FailoverMode.PLANNED);
            });
            assertThat(events)
                    .filteredOn(e -> e.kind() == GeoDbEvent.Kind.LISTENER
                            && e.subject().equals(GeoDatabase.READ_WRITE)
                            && e.reason().contains("planned failover"))
                    .allSatisfy(e -> assertThat(e.from()).isNotNull());
        } finally {
            operators.shutdownNow();
        }
    }

    @Test
    void shouldRefuseASecondFailoverAtOnceWhileOneRuns() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();
            AtomicReference<Object> secondOutcome = new AtomicReference<>();

            FailoverReport report = db.failover(FailoverMode.PLANNED, SOUTH, (step, at) -> {
                if (step.equals(FailoverPhase.SECONDARY_CAUGHT_UP.label())) {
                    // Another operator asks meanwhile, from another thread: refused without waiting.
                    secondOutcome.set(CompletableFuture.supplyAsync(() -> {
                                try {
                                    return db.failover(FailoverMode.FORCED, SOUTH, ProgressListener.NONE);
                                } catch (RuntimeException e) {
                                    return e;
                                }
                            })
                            .orTimeout(30, TimeUnit.SECONDS)
                            .join());
                }
            });

            assertThat(report.newPrimary()).isEqualTo(SOUTH);
            assertThat(secondOutcome.get()).isInstanceOf(FailoverGroupBusyException.class);
            FailoverGroupBusyException busy = (FailoverGroupBusyException) secondOutcome.get();
            assertThat(busy.reason()).isEqualTo(FailoverRefusedException.Reason.BUSY);
            assertThat(busy.running()).contains("planned failover to 'southindia'");
            assertThat(db.primary()).isEqualTo(SOUTH);
            assertThat(db.groupState()).isIn(GroupState.STEADY, GroupState.DEGRADED);
        }
    }

    @Test
    void shouldRefuseAFailoverToThePrimaryAndPerformOneToTheSecondary() throws Exception {
        try (GeoDatabase db = new GeoDatabase(GeoDbHarness.config(tempDir).build())) {
            db.start();

            assertThatThrownBy(() -> db.failover(FailoverMode.PLANNED, CENTRAL, ProgressListener.NONE))
                    .isInstanceOf(FailoverTargetIsPrimaryException.class)
                    .hasMessageContaining("'centralindia' already is the primary");
            assertThatThrownBy(() -> db.failover(FailoverMode.FORCED, "westindia", ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("westindia");
            assertThat(db.primary()).isEqualTo(CENTRAL);
            assertThat(db.groupState()).isEqualTo(GroupState.STEADY);

            FailoverReport report = db.failover(FailoverMode.PLANNED, SOUTH, ProgressListener.NONE);

            assertThat(report.oldPrimary()).isEqualTo(CENTRAL);
            assertThat(report.newPrimary()).isEqualTo(SOUTH);
            assertThatThrownBy(() -> db.failover(FailoverMode.TRY_PLANNED, SOUTH, ProgressListener.NONE))
                    .isInstanceOf(FailoverTargetIsPrimaryException.class);
        }
    }
}
