package io.hadr.drill.spec;

import java.util.List;
import java.util.Locale;

/** What puts the environment back after the method, and when it runs. */
public record Rollbacks(When when, List<Step> steps) {

    public static final Rollbacks NONE = new Rollbacks(When.NEVER, List.of());

    public Rollbacks {
        steps = List.copyOf(steps);
    }

    /** When rollbacks run. */
    public enum When {
        /** After every run. */
        ALWAYS,
        /** Only when the drill deviated: a failed step or expectation, a crossed safeguard, a failed steady state. */
        ON_DEVIATION,
        /** Never; the environment is left as the method made it. */
        NEVER;

        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
