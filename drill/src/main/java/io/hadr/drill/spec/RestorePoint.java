package io.hadr.drill.spec;

import java.time.Instant;

/** Where a drill's {@code db restore} goes, possibly relative to another step of the same drill. */
public sealed interface RestorePoint {

    String text();

    /** A fixed time. */
    record At(Instant time) implements RestorePoint {
        public String text() {
            return "time " + time;
        }
    }

    /** The moment the restore step starts: the latest restorable state (what a geo-restore after an outage asks for). */
    record Now() implements RestorePoint {
        public String text() {
            return "now";
        }
    }

    /** The time noted just before (or just after) the named step of this drill ran. */
    record AroundStep(String step, boolean before) implements RestorePoint {
        public String text() {
            return "time " + (before ? "before " : "after ") + step;
        }
    }

    /** A restore point made by an earlier {@code db mark NAME} step. */
    record Mark(String name) implements RestorePoint {
        public String text() {
            return "mark " + name;
        }
    }

    /** A WAL position. */
    record Lsn(String lsn) implements RestorePoint {
        public String text() {
            return "lsn " + lsn;
        }
    }
}
