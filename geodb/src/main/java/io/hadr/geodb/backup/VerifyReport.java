package io.hadr.geodb.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A test restore of the latest base backup with every archived WAL after it, in a scratch
 * location: backups verified, not assumed.
 *
 * @param ok true when there is no problem
 * @param store the region whose store was verified
 * @param generation its generation
 * @param baseBackup the base backup restored
 * @param segmentsChecked WAL segments whose checksum and records were checked
 * @param expectedLsn where the archived WAL ends (just past its last record), which the replay must reach
 * @param reachedLsn where the replay stopped, or null when it did not run to a stop
 * @param reachedCommitTime the last transaction end replayed, or null
 * @param walReplayedBytes WAL replayed
 * @param records rows of the records table in the restored data, or null when there is no such table
 * @param took how long the verification took
 * @param problems each problem found, naming the segment or backup
 */
public record VerifyReport(
        boolean ok,
        String store,
        int generation,
        String baseBackup,
        int segmentsChecked,
        String expectedLsn,
        String reachedLsn,
        Instant reachedCommitTime,
        long walReplayedBytes,
        Long records,
        Duration took,
        List<String> problems) {

    public VerifyReport {
        problems = List.copyOf(problems);
    }
}
