package io.hadr.local;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The life of one app instance, with the moves allowed between states. */
public enum AppState {
    STOPPED,
    STARTING,
    RUNNING,
    STOPPING,
    /** The process ended without being asked to (a crash, or {@code hadr app kill}). */
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

    /** The word used in output: {@code running}, {@code crashed}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** An attempt to move an app between states that do not connect. */
    static final class IllegalTransitionException extends IllegalStateException {
        IllegalTransitionException(String app, AppState from, AppState to) {
            super("app " + app + " cannot go from " + from.id() + " to " + to.id());
        }
    }
}
