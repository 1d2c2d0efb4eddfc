package io.hadr.geodb.backup;

import java.time.Instant;

/**
 * A named restore point ({@code pg_create_restore_point}), what a careful operator makes before
 * a risky change so that a restore can return exactly there.
 *
 * @param name its name
 * @param lsn the position of its record in the WAL
 * @param time when it was made
 * @param archived whether the WAL holding it is in the store (a restore to it is possible)
 */
public record RestoreMark(String name, String lsn, Instant time, boolean archived) {}
