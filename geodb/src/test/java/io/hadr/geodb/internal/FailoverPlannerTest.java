package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.geodb.FailoverMode;
import io.hadr.geodb.FailoverRefusedException;
import io.hadr.geodb.FailoverTargetIsPrimaryException;
import io.hadr.geodb.ServerRole;
import io.hadr.geodb.ServerState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which failover is performed, and which is refused, for what the servers look like. No PostgreSQL. */
class FailoverPlannerTest {

    private static final String CENTRAL = "centralindia";
    private static final String SOUTH = "southindia";

    /** Primary answers, secondary runs and streams. */
    private static FailoverPlanner.Snapshot healthy() {
        return new FailoverPlanner.Snapshot(
                CENTRAL, ServerState.RUNNING, SOUTH, ServerRole.SECONDARY, ServerState.RUNNING, true, true);
    }

    private static FailoverPlanner.Snapshot primaryDown() {
        return new FailoverPlanner.Snapshot(
                CENTRAL, ServerState.DOWN, SOUTH, ServerRole.SECONDARY, ServerState.RUNNING, false, false);
    }

    @Test
    void shouldPerformEachModeAsAskedWhenTheGroupIsHealthy() {
        assertThat(FailoverPlanner.plan(FailoverMode.PLANNED, healthy()))
                .isEqualTo(new FailoverPlanner.Plan(FailoverMode.PLANNED, FailoverMode.PLANNED, false, null));
        assertThat(FailoverPlanner.plan(FailoverMode.FORCED, healthy()))
                .isEqualTo(new FailoverPlanner.Plan(FailoverMode.FORCED, FailoverMode.FORCED, false, null));
        assertThat(FailoverPlanner.plan(FailoverMode.TRY_PLANNED, healthy()))
                .isEqualTo(new FailoverPlanner.Plan(FailoverMode.TRY_PLANNED, FailoverMode.PLANNED, true, null));
    }

    @Test
    void shouldRefuseAFailoverWhoseTargetAlreadyIsThePrimaryWhateverTheMode() {
        FailoverPlanner.Snapshot onPrimary = new FailoverPlanner.Snapshot(
                SOUTH, ServerState.RUNNING, SOUTH, ServerRole.PRIMARY, ServerState.RUNNING, true, false);

        for (FailoverMode mode : FailoverMode.values()) {
            assertThatThrownBy(() -> FailoverPlanner.plan(mode, onPrimary))
                    .isInstanceOf(FailoverTargetIsPrimaryException.class)
                    .hasMessageContaining("'southindia' already is the primary")
                    .hasMessageContaining("FailoverGroupFailoverRequestOnPrimary")
                    .extracting(e -> ((FailoverRefusedException) e).reason())
                    .isEqualTo(FailoverRefusedException.Reason.TARGET_IS_PRIMARY);
        }
    }

    @Test
    void shouldRefuseEveryModeWhenTheTargetIsNotARunningSecondary() {
        FailoverPlanner.Snapshot fenced = new FailoverPlanner.Snapshot(
                CENTRAL, ServerState.RUNNING, SOUTH, ServerRole.FENCED, ServerState.DOWN, true, false);
        FailoverPlanner.Snapshot stopped = new FailoverPlanner.Snapshot(
                CENTRAL, ServerState.RUNNING, SOUTH, ServerRole.SECONDARY, ServerState.UNRESPONSIVE, true, false);

        assertThatThrownBy(() -> FailoverPlanner.plan(FailoverMode.FORCED, fenced))
                .isInstanceOf(FailoverRefusedException.class)
                .hasMessage("failover refused: the secondary 'southindia' cannot be promoted: its role is FENCED "
                        + "(it must be reseeded and streaming first)");
        assertThatThrownBy(() -> FailoverPlanner.plan(FailoverMode.TRY_PLANNED, stopped))
                .isInstanceOf(FailoverRefusedException.class)
                .hasMessageContaining("it is UNRESPONSIVE; bring it up first");
    }

    @Test
    void shouldRefuseAPlannedFailoverWithoutThePrimaryAndLetTryPlannedForceIt() {
        assertThatThrownBy(() -> FailoverPlanner.plan(FailoverMode.PLANNED, primaryDown()))
                .isInstanceOf(FailoverRefusedException.class)
                .hasMessageContaining("planned failover refused")
                .hasMessageContaining("'centralindia'")
                .hasMessageContaining("unreachable (not running)")
                .extracting(e -> ((FailoverRefusedException) e).reason())
                .isEqualTo(FailoverRefusedException.Reason.PRIMARY_UNREACHABLE);

        FailoverPlanner.Plan plan = FailoverPlanner.plan(FailoverMode.TRY_PLANNED, primaryDown());

        assertThat(plan.first()).isEqualTo(FailoverMode.FORCED);
        assertThat(plan.plannedSkipped()).hasMessageContaining("unreachable");
    }

    @Test
    void shouldRefuseAPlannedFailoverToASecondaryThatDoesNotStream() {
        FailoverPlanner.Snapshot notStreaming = new FailoverPlanner.Snapshot(
                CENTRAL, ServerState.RUNNING, SOUTH, ServerRole.SECONDARY, ServerState.RUNNING, true, false);

        assertThatThrownBy(() -> FailoverPlanner.plan(FailoverMode.PLANNED, notStreaming))
                .isInstanceOf(FailoverRefusedException.class)
                .hasMessageContaining("it is not streaming from 'centralindia'");
        assertThat(FailoverPlanner.plan(FailoverMode.TRY_PLANNED, notStreaming).first())
                .isEqualTo(FailoverMode.FORCED);
    }

    @Test
    void shouldFallBackFromPlannedToForcedOnlyWhenTryingPlannedAndTheTargetStillRuns() {
        FailoverRefusedException timedOut = FailoverRefusedException.catchUpTimedOut(
                SOUTH, Duration.ofSeconds(1), "primary at 0/3000000, secondary replayed 0/2000000", null);
        FailoverPlanner.Plan tryPlanned = FailoverPlanner.plan(FailoverMode.TRY_PLANNED, healthy());
        FailoverPlanner.Plan planned = FailoverPlanner.plan(FailoverMode.PLANNED, healthy());

        assertThat(FailoverPlanner.fallBack(tryPlanned, timedOut, true)).isTrue();
        assertThat(FailoverPlanner.fallBack(tryPlanned, timedOut, false)).isFalse();
        assertThat(FailoverPlanner.fallBack(planned, timedOut, true)).isFalse();
        assertThat(FailoverPlanner.fallBack(tryPlanned, FailoverRefusedException.noSecondary(SOUTH, "gone"), true))
                .isFalse();
    }
}
