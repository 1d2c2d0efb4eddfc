package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.geodb.internal.StateMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerRoleTest {

    private final List<String> transitions = new ArrayList<>();

    private StateMachine<ServerRole> roleOf(ServerRole initial) {
        return new StateMachine<>(
                "server 'centralindia' role",
                initial,
                ServerRole::canMoveTo,
                (subject, from, to, reason) -> transitions.add(from + "->" + to + " " + reason));
    }

    @Test
    void shouldNeverLetAFencedServerBecomePrimary() {
        StateMachine<ServerRole> role = roleOf(ServerRole.FENCED);

        assertThatThrownBy(() -> role.moveTo(ServerRole.PRIMARY, "restart"))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessage(
                        "server 'centralindia' role cannot move from FENCED to PRIMARY (ServerRole FENCED allows only [RESEEDING])");
        assertThat(role.get()).isEqualTo(ServerRole.FENCED);
        assertThat(transitions).isEmpty();
    }

    @Test
    void shouldRejectEveryMoveOutsideTheTable() {
        assertThat(ServerRole.PRIMARY.canMoveTo(ServerRole.RESEEDING)).isFalse();
        assertThat(ServerRole.PRIMARY.canMoveTo(ServerRole.PRIMARY)).isFalse();
        assertThat(ServerRole.SECONDARY.canMoveTo(ServerRole.FENCED)).isFalse();
        assertThat(ServerRole.RESEEDING.canMoveTo(ServerRole.PRIMARY)).isFalse();
        assertThat(ServerRole.FENCED.canMoveTo(ServerRole.SECONDARY)).isFalse();
        assertThat(ServerState.STOPPED.canMoveTo(ServerState.RUNNING)).isFalse();
        assertThat(ServerState.DOWN.canMoveTo(ServerState.RUNNING)).isFalse();
        assertThatThrownBy(() -> new StateMachine<>(
                                "server 'x' state", ServerState.STOPPED, ServerState::canMoveTo, (s, f, t, r) -> {})
                        .moveTo(ServerState.STOPPING, "stop"))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("cannot move from STOPPED to STOPPING");
    }

    @Test
    void shouldWalkTheForcedFailoverAndReseedPathWithAnEventPerStep() {
        StateMachine<ServerRole> role = roleOf(ServerRole.PRIMARY);

        role.moveTo(ServerRole.FENCED, "forced failover");
        role.moveTo(ServerRole.RESEEDING, "region up");
        role.moveTo(ServerRole.SECONDARY, "reseeded");
        role.moveTo(ServerRole.PRIMARY, "planned failover");

        assertThat(transitions)
                .containsExactly(
                        "PRIMARY->FENCED forced failover",
                        "FENCED->RESEEDING region up",
                        "RESEEDING->SECONDARY reseeded",
                        "SECONDARY->PRIMARY planned failover");
    }

    @Test
    void shouldMoveConditionallyOnlyFromTheExpectedState() {
        StateMachine<ServerState> state = new StateMachine<>(
                "server 'x' state",
                ServerState.RUNNING,
                ServerState::canMoveTo,
                (s, f, t, r) -> transitions.add(f + "->" + t));

        boolean movedFromStarting = state.moveIf(ServerState.STARTING, ServerState.DOWN, "crash");
        boolean movedFromRunning = state.moveIf(ServerState.RUNNING, ServerState.DOWN, "crash");

        assertThat(movedFromStarting).isFalse();
        assertThat(movedFromRunning).isTrue();
        assertThat(transitions).containsExactly("RUNNING->DOWN");
    }
}
