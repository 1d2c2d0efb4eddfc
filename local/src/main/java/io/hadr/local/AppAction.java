package io.hadr.local;

import java.util.Arrays;
import java.util.Locale;

/** What {@code hadr app <action> <region>} does to every app instance of a region. */
public enum AppAction {
    /** Graceful stop: SIGTERM, in-flight requests finish. Like ARM's {@code sites/stop}. */
    STOP,
    /** Start stopped or crashed instances and wait until healthy. Like {@code sites/start}. */
    START,
    /** Stop then start. Like {@code sites/restart}. */
    RESTART,
    /** SIGKILL: a crash, with no chance to finish anything. */
    KILL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AppAction parse(String text) {
        return Arrays.stream(values())
                .filter(a -> a.id().equalsIgnoreCase(text))
                .findFirst()
                .orElseThrow(() -> new LocalEnvironmentException("unknown app action '" + text + "'; use stop, start, restart or kill"));
    }
}
