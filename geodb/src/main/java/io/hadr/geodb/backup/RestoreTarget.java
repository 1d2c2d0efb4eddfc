package io.hadr.geodb.backup;

import java.time.Instant;
import java.util.Objects;

/** The point a restore goes to. */
public sealed interface RestoreTarget {

    /**
     * Every transaction committed at or before {@code time}, none after (Azure's
     * {@code restorePointInTime}; PostgreSQL's {@code recovery_target_time}).
     */
    record AtTime(Instant time) implements RestoreTarget {
        public AtTime {
            Objects.requireNonNull(time, "time must not be null");
        }

        @Override
        public String toString() {
            return "time " + time;
        }
    }

    /** Up to and including the WAL record at or after {@code lsn} ({@code recovery_target_lsn}). */
    record AtLsn(String lsn) implements RestoreTarget {
        public AtLsn {
            Objects.requireNonNull(lsn, "lsn must not be null");
            if (!lsn.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
                throw new IllegalArgumentException(
                        "an LSN is written like 0/3000148 (two hex numbers), but was '" + lsn + "'");
            }
        }

        @Override
        public String toString() {
            return "LSN " + lsn;
        }
    }

    /** Up to the named restore point made with {@code mark} ({@code recovery_target_name}). */
    record AtMark(String name) implements RestoreTarget {
        public AtMark {
            Objects.requireNonNull(name, "name must not be null");
        }

        @Override
        public String toString() {
            return "mark '" + name + "'";
        }
    }

    /**
     * Everything the store has archived: the newest base backup plus all WAL after it (a
     * geo-restore after losing a region; PostgreSQL's recovery up to the last archived record).
     */
    record Latest() implements RestoreTarget {
        @Override
        public String toString() {
            return "the latest archived point";
        }
    }
}
