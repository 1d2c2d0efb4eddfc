package io.hadr.core.platform;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/** The point a restore goes to. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RestoreTarget.AtTime.class, name = "time"),
    @JsonSubTypes.Type(value = RestoreTarget.AtLsn.class, name = "lsn"),
    @JsonSubTypes.Type(value = RestoreTarget.AtMark.class, name = "mark"),
    @JsonSubTypes.Type(value = RestoreTarget.Latest.class, name = "latest")
})
public sealed interface RestoreTarget {

    /** Every transaction committed at or before {@code time}, none after (Azure's {@code restorePointInTime}). */
    record AtTime(Instant time) implements RestoreTarget {}

    /** Up to and including this WAL position, e.g. {@code 0/3000060}. */
    record AtLsn(String lsn) implements RestoreTarget {}

    /** Up to a named restore point made with {@link Platform#mark(String)}. */
    record AtMark(String name) implements RestoreTarget {}

    /**
     * As far as the backups reach: every archived transaction (what a geo-restore after losing a
     * region gets; Azure's {@code createMode: Recovery} restores the latest geo-replicated backup).
     */
    record Latest() implements RestoreTarget {}
}
