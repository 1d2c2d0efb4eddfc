package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.geodb.internal.StateMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupStateTest {

    @Test
    void shouldSettleFromWhetherThePrimaryServesAndTheSecondaryStreams() {
        assertThat(GroupState.of(true, true)).isEqualTo(GroupState.STEADY);
        assertThat(GroupState.of(true, false)).isEqualTo(GroupState.DEGRADED);
        assertThat(GroupState.of(false, true)).isEqualTo(GroupState.LEADERLESS);
        assertThat(GroupState.of(false, false)).isEqualTo(GroupState.LEADERLESS);
    }

    @Test
    void shouldOnlyFailOverFromARunningGroupAndNeverStraightFromStarting() {
        assertThat(GroupState.STEADY.canMoveTo(GroupState.FAILING_OVER)).isTrue();
        assertThat(GroupState.DEGRADED.canMoveTo(GroupState.FAILING_OVER)).isTrue();
        assertThat(GroupState.LEADERLESS.canMoveTo(GroupState.FAILING_OVER)).isTrue();
        assertThat(GroupState.STARTING.canMoveTo(GroupState.FAILING_OVER)).isFalse();
        assertThat(GroupState.STOPPED.canMoveTo(GroupState.FAILING_OVER)).isFalse();
        assertThat(GroupState.FAILING_OVER.canMoveTo(GroupState.FAILING_OVER)).isFalse();
        assertThat(GroupState.STOPPED.canMoveTo(GroupState.STEADY)).isFalse();
        assertThat(GroupState.FAILING_OVER.settled()).isFalse();
        assertThat(GroupState.LEADERLESS.settled()).isTrue();
    }

    @Test
    void shouldReportEveryMoveAndRefuseIllegalOnes() {
        List<String> events = new ArrayList<>();
        StateMachine<GroupState> group = new StateMachine<>(
                "failover group",
                GroupState.STOPPED,
                GroupState::canMoveTo,
                (subject, from, to, reason) -> events.add(from + "->" + to + " " + reason));

        group.moveTo(GroupState.STARTING, "start");
        group.moveTo(GroupState.STEADY, "started");
        group.moveTo(GroupState.FAILING_OVER, "planned failover");
        group.moveTo(GroupState.STEADY, "done");

        assertThat(events)
                .containsExactly(
                        "STOPPED->STARTING start",
                        "STARTING->STEADY started",
                        "STEADY->FAILING_OVER planned failover",
                        "FAILING_OVER->STEADY done");
        assertThatThrownBy(() -> group.moveTo(GroupState.STARTING, "again"))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessage("failover group cannot move from STEADY to STARTING "
                        + "(GroupState STEADY allows only [STOPPED, DEGRADED, LEADERLESS, FAILING_OVER])");
    }
}
