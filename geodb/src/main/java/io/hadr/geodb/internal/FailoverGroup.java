package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverGroupBusyException;
import io.hadr.geodb.GeoDbEvent;
import io.hadr.geodb.GeoDbException;
import io.hadr.geodb.GroupState;
import io.hadr.geodb.IllegalTransitionException;
import io.hadr.geodb.ServerRole;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failover group's own state and the roles of its servers, with one owner: every role move
 * goes through {@link #moveRoles}, which checks the whole move against {@link ServerRole}'s table
 * first and then persists every role and the primary to the state file in one atomic write, so a
 * restarted library resumes exactly the roles it had. The group's state ({@link GroupState})
 * moves only here too, with an event on every move; {@link GroupState#FAILING_OVER} is taken by
 * one failover at a time ({@link #beginFailover}).
 */
public final class FailoverGroup {

    private static final String SUBJECT = "failover group";

    private final StateFile stateFile;
    private final EventSink events;
    private final Map<String, PostgresServer> servers = new LinkedHashMap<>();
    private final Map<String, StateMachine<ServerRole>> roles = new LinkedHashMap<>();
    private final StateMachine<GroupState> state;
    private volatile String primaryName;
    private volatile String runningFailover;

    public FailoverGroup(StateFile stateFile, EventSink events) {
        this.stateFile = stateFile;
        this.events = events;
        this.state = new StateMachine<>(
                SUBJECT,
                GroupState.STOPPED,
                GroupState::canMoveTo,
                (subject, from, to, reason) -> events.emit(GeoDbEvent.Kind.GROUP, SUBJECT, from, to, reason));
    }

    /** Adds a server with the role it resumes with (from the state file, or FENCED by its marker). */
    public void add(PostgresServer server, ServerRole role) {
        String name = server.name();
        servers.put(name, server);
        roles.put(
                name,
                new StateMachine<>(
                        "server '" + name + "' role",
                        role,
                        ServerRole::canMoveTo,
                        (subject, from, to, reason) -> events.emit(GeoDbEvent.Kind.ROLE, name, from, to, reason)));
    }

    /**
     * Checks the roles the servers resume with (exactly one primary) and saves them.
     *
     * @throws GeoDbException when the state file does not name exactly one primary
     */
    public synchronized void resumeRoles() {
        long primaries = roles.values().stream()
                .filter(r -> r.get() == ServerRole.PRIMARY)
                .count();
        if (primaries != 1) {
            throw new GeoDbException(stateFile.path() + " must name exactly one PRIMARY, but names " + primaries
                    + "; roles: " + describeRoles());
        }
        persist();
    }

    public StateFile stateFile() {
        return stateFile;
    }

    public Collection<PostgresServer> servers() {
        return Collections.unmodifiableCollection(servers.values());
    }

    /** @throws IllegalArgumentException naming the servers there are */
    public PostgresServer server(String name) {
        PostgresServer server = servers.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no server named '" + name + "'; the servers are " + servers.keySet());
        }
        return server;
    }

    public ServerRole role(PostgresServer server) {
        return roles.get(server.name()).get();
    }

    /** The server with the primary role (never null once started). */
    public PostgresServer primary() {
        String name = primaryName;
        return name == null ? null : servers.get(name);
    }

    /** The server with the secondary role, or null while there is none. */
    public PostgresServer secondary() {
        return servers.values().stream()
                .filter(s -> role(s) == ServerRole.SECONDARY)
                .findFirst()
                .orElse(null);
    }

    /** The other server of the pair. */
    public PostgresServer other(PostgresServer server) {
        return servers.values().stream().filter(s -> s != server).findFirst().orElseThrow();
    }

    public void moveRole(PostgresServer server, ServerRole to, String reason) {
        moveRoles(reason, Map.of(server, to));
    }

    /**
     * Moves several roles as one step: each move is checked against the table before any is
     * made, then all are made (an event each) and saved with one write of the state file.
     * Moving a server to the role it has is not a move.
     *
     * @throws IllegalTransitionException when the table forbids one of the moves; then none is made
     */
    public synchronized void moveRoles(String reason, Map<PostgresServer, ServerRole> moves) {
        Map<PostgresServer, ServerRole> real = new LinkedHashMap<>();
        moves.forEach((server, to) -> {
            StateMachine<ServerRole> role = roles.get(server.name());
            if (role.get() != to) {
                if (!role.get().canMoveTo(to)) {
                    throw IllegalTransitionException.of("server '" + server.name() + "' role", role.get(), to);
                }
                real.put(server, to);
            }
        });
        real.forEach((server, to) -> roles.get(server.name()).moveTo(to, reason));
        persist();
    }

    private void persist() {
        String primary = null;
        for (Map.Entry<String, StateMachine<ServerRole>> e : roles.entrySet()) {
            stateFile.role(e.getKey(), e.getValue().get());
            if (e.getValue().get() == ServerRole.PRIMARY) {
                primary = e.getKey();
            }
        }
        if (primary != null) {
            stateFile.primary(primary);
            primaryName = primary;
        }
        stateFile.save();
    }

    // ----- the group's own state ---------------------------------------------------------------

    public GroupState state() {
        return state.get();
    }

    public void starting(String why) {
        state.moveTo(GroupState.STARTING, why);
    }

    /** Closed, or the start failed. */
    public void stopped(String why) {
        GroupState current = state.get();
        if (current != GroupState.STOPPED) {
            state.moveTo(GroupState.STOPPED, why);
        }
    }

    /**
     * Re-assesses the group from what its servers look like now. Does nothing while a failover
     * owns the group or it is stopped; ends a start.
     */
    public void settle(boolean primaryServes, boolean secondaryStreams, String why) {
        GroupState current = state.get();
        if (!current.settled() && current != GroupState.STARTING) {
            return;
        }
        GroupState next = GroupState.of(primaryServes, secondaryStreams);
        if (next != current) {
            state.moveIf(current, next, why);
        }
    }

    /**
     * Takes the group for one failover.
     *
     * @param description the failover in words, shown to a second requester
     * @throws FailoverGroupBusyException when another failover has it
     * @throws IllegalStateException when the group is not running
     */
    public void beginFailover(String description) {
        while (true) {
            GroupState current = state.get();
            if (current == GroupState.FAILING_OVER) {
                String running = runningFailover;
                throw FailoverGroupBusyException.of(running == null ? "failover" : running);
            }
            if (!current.settled()) {
                throw new IllegalStateException("the failover group is " + current + "; a failover needs it started");
            }
            if (state.moveIf(current, GroupState.FAILING_OVER, description)) {
                runningFailover = description;
                return;
            }
        }
    }

    /** Gives the group back after a failover (done, refused or failed), settled from what it looks like now. */
    public void endFailover(boolean primaryServes, boolean secondaryStreams, String why) {
        runningFailover = null;
        if (state.get() == GroupState.FAILING_OVER) {
            state.moveTo(GroupState.of(primaryServes, secondaryStreams), why);
        }
    }

    private String describeRoles() {
        List<String> list = new ArrayList<>();
        roles.forEach((name, role) -> list.add(name + "=" + role.get()));
        return list.toString();
    }
}
