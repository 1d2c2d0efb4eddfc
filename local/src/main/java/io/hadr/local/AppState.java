package io.hadr.local;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The life of one app instance, with the moves allowed between states. */
public enum AppState {
    STOPPED,
    STARTING,
    RUNNING,
    STOPPING,
    /** The process ended without being asked to stop gracefully (a crash, or {@code hadr app kill}). */
    CRASHED;

    private Set<AppState> next;

    static {
        STOPPED.next = EnumSet.of(STARTING);
        STARTING.next = EnumSet.of(RUNNING, STOPPING, CRASHED);
        RUNNING.next = EnumSet.of(STOPPING, CRASHED);
        STOPPING.next = EnumSet.of(STOPPED);
        CRASHED.next = EnumSet.of(STARTING, STOPPED);
    }

    boolean canMoveTo(AppState target) {
        return next.contains(target);
    }

    /** The word used in output and on the wire: {@code running}, {@code crashed}, ... */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state for its word, as {@link #id()} writes it. */
    @JsonCreator
    public static AppState fromId(String id) {
        for (AppState state : values()) {
            if (state.id().equals(id)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown app state '" + id + "'");
    }

    /** Whether a process of this instance is (or should soon be) serving. */
    public boolean isUp() {
        return this == RUNNING || this == STARTING;
    }

    /** An attempt to move an app between states that do not connect. */
    static final class IllegalTransitionException extends IllegalStateException {
        IllegalTransitionException(String app, AppState from, AppState to) {
            super("app " + app + " cannot go from " + from.id() + " to " + to.id());
        }
    }
}
