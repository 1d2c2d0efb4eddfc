package io.hadr.geodb.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A restore brought into service.
 *
 * @param restore the adopted restore's name
 * @param primary the server that now holds its data as the failover group's primary
 * @param secondary the server rebuilt from it as the geo-secondary, or null when it is down (it is
 *     rebuilt when it comes back)
 * @param keptAside where the former primary's data was moved
 * @param generation the database generation that began (backups of the adopted data)
 * @param steps what was done, in order, each with the time it was done at
 * @param took how long it took
 * @param keptAsideUntil when the retention window lets the data kept aside go (and the former
 *     generation's backups with it); a {@link Leftover} until then
 */
public record AdoptReport(
        String restore,
        String primary,
        String secondary,
        Path keptAside,
        int generation,
        List<String> steps,
        Duration took,
        Instant keptAsideUntil) {

    public AdoptReport {
        steps = List.copyOf(steps);
    }
}
