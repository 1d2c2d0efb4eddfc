package io.hadr.core.platform;

import java.time.Duration;
import java.time.Instant;

/**
 * A finished restore.
 *
 * @param name the restored server's name (for {@link Platform#adopt} and {@link SqlTarget#restore})
 * @param fromRegion whose backup store it came from
 * @param address where the restored server answers (host:port locally, a server name on Azure)
 * @param reachedCommitTime the commit time of the last transaction replayed, or null when none
 * @param reachedLsn the WAL position reached, or null when the platform cannot tell
 * @param took how long the restore took
 */
public record RestoreResult(
        String name, String fromRegion, String address, Instant reachedCommitTime, String reachedLsn, Duration took) {}
