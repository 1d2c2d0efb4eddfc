package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.geodb.ConnectionLimits;
import io.hadr.geodb.FailoverGroupBusyException;
import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.GroupState;
import io.hadr.geodb.IllegalTransitionException;
import io.hadr.geodb.ServerRole;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one owner of roles and group state, without PostgreSQL: no server is started. */
class FailoverGroupTest {

    @TempDir
    Path dataRoot;

    private final List<GeoDbEvent> events = new ArrayList<>();
    private PgProcesses launcher;
    private FailoverGroup group;
    private PostgresServer central;
    private PostgresServer south;

    @BeforeEach
    void createGroup() {
        Events sink = new Events(Clock.systemUTC());
        sink.add(events::add);
        launcher = new PgProcesses(PgAccount.forCurrentProcess("nobody"), "test");
        StateFile state = StateFile.create(dataRoot);
        state.adminPassword("pw");
        group = new FailoverGroup(state, sink);
        central = server("centralindia", sink);
        south = server("southindia", sink);
        group.add(central, ServerRole.PRIMARY);
        group.add(south, ServerRole.SECONDARY);
        group.resumeRoles();
    }

    @AfterEach
    void closeLauncher() {
        launcher.close();
    }

    private PostgresServer server(String name, Events sink) {
        return new PostgresServer(
                name, dataRoot, 0, launcher, Path.of("/nonexistent"), "pw", ConnectionLimits.DEFAULT, Map.of(), sink);
    }

    @Test
    void shouldPersistEveryRoleOfAMoveInOneWrite() {
        Map<PostgresServer, ServerRole> forced = new LinkedHashMap<>();
        forced.put(central, ServerRole.FENCED);
        forced.put(south, ServerRole.PRIMARY);

        group.moveRoles("forced failover", forced);

        StateFile onDisk = StateFile.load(dataRoot);
        assertThat(onDisk.primary()).isEqualTo("southindia");
        assertThat(onDisk.role("centralindia")).isEqualTo(ServerRole.FENCED);
        assertThat(onDisk.role("southindia")).isEqualTo(ServerRole.PRIMARY);
        assertThat(group.primary()).isSameAs(south);
        assertThat(group.secondary()).isNull();
        assertThat(events)
                .filteredOn(e -> e.kind() == GeoDbEvent.Kind.ROLE)
                .extracting(GeoDbEvent::toString)
                .anyMatch(e -> e.contains("centralindia: PRIMARY -> FENCED"))
                .anyMatch(e -> e.contains("southindia: SECONDARY -> PRIMARY"));
    }

    @Test
    void shouldMakeNoneOfTheMovesWhenOneIsIllegal() {
        Map<PostgresServer, ServerRole> moves = new LinkedHashMap<>();
        moves.put(south, ServerRole.PRIMARY);
        moves.put(central, ServerRole.RESEEDING);

        assertThatThrownBy(() -> group.moveRoles("bad", moves))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("server 'centralindia' role cannot move from PRIMARY to RESEEDING");
        assertThat(group.role(south)).isEqualTo(ServerRole.SECONDARY);
        assertThat(StateFile.load(dataRoot).role("southindia")).isEqualTo(ServerRole.SECONDARY);
    }

    @Test
    void shouldGiveTheGroupToOneFailoverAtATime() {
        group.starting("start");
        group.settle(true, true, "started");

        group.beginFailover("planned failover to 'southindia'");

        assertThat(group.state()).isEqualTo(GroupState.FAILING_OVER);
        assertThatThrownBy(() -> group.beginFailover("planned failover to 'southindia' (second operator)"))
                .isInstanceOf(FailoverGroupBusyException.class)
                .hasMessageContaining("busy with another planned failover to 'southindia'")
                .hasMessageContaining("FailoverGroupBusy");
        // The watcher's re-assessment never takes the group from a running failover.
        group.settle(false, false, "health check");
        assertThat(group.state()).isEqualTo(GroupState.FAILING_OVER);

        group.endFailover(true, false, "done");

        assertThat(group.state()).isEqualTo(GroupState.DEGRADED);
        group.beginFailover("the next one");
        assertThat(group.state()).isEqualTo(GroupState.FAILING_OVER);
    }

    @Test
    void shouldRefuseAFailoverBeforeTheGroupRuns() {
        assertThatThrownBy(() -> group.beginFailover("too early"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STOPPED");
    }
}
