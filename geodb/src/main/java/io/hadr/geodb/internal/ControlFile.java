package io.hadr.geodb.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few fields of a stopped server's {@code global/pg_control} that a switchover needs; the
 * bundle has no {@code pg_controldata}. Layout of {@code ControlFileData} (PostgreSQL 17,
 * x86-64, little-endian): system_identifier u64 @0, pg_control_version u32 @8,
 * catalog_version_no u32 @12, state enum @16, time i64 @24, checkPoint u64 @32,
 * checkPointCopy.redo u64 @40, checkPointCopy.ThisTimeLineID u32 @48.
 *
 * @param state the cluster state ({@code DB_SHUTDOWNED} = 1 after a clean shutdown)
 * @param checkpointLsn where the latest checkpoint record starts
 * @param timeline the timeline of that checkpoint
 */
public record ControlFile(int state, long checkpointLsn, int timeline) {

    /** {@code DB_SHUTDOWNED}: the server stopped cleanly, its last record is the shutdown checkpoint. */
    public static final int SHUT_DOWN = 1;
    /** {@code DB_SHUTDOWNED_IN_RECOVERY}: a standby stopped cleanly. */
    public static final int SHUT_DOWN_IN_RECOVERY = 2;
    /** {@code DB_IN_PRODUCTION}: a primary that was running (or was killed). */
    public static final int IN_PRODUCTION = 6;

    /** Reads {@code <dataDir>/global/pg_control}. */
    public static ControlFile read(Path dataDir) throws IOException {
        byte[] bytes = Files.readAllBytes(dataDir.resolve("global/pg_control"));
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new ControlFile(buffer.getInt(16), buffer.getLong(32), buffer.getInt(48));
    }

    public boolean cleanlyShutDown() {
        return state == SHUT_DOWN;
    }
}
