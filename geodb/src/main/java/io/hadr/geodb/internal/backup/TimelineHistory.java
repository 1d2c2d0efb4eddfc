package io.hadr.geodb.internal.backup;

import io.hadr.geodb.internal.Lsn;
import java.util.ArrayList;
import java.util.List;

/**
 * The ancestry of a timeline, read from its {@code .history} file: each promotion starts a new
 * timeline that branches from its parent at a switch point. A restore follows this path: WAL of
 * an old timeline up to the point where the next one branched off, then the next one's.
 *
 * @param entries from the oldest timeline to this one; the last entry's end is {@link Long#MAX_VALUE}
 */
public record TimelineHistory(List<Entry> entries) {

    /** One timeline of the path and the WAL range it holds in this history. */
    public record Entry(int timeline, long begin, long end) {
        public boolean holds(long lsn) {
            return Long.compareUnsigned(lsn, begin) >= 0 && Long.compareUnsigned(lsn, end) < 0;
        }
    }

    public TimelineHistory {
        entries = List.copyOf(entries);
    }

    /** The history of timeline 1, which has no file. */
    public static TimelineHistory first() {
        return new TimelineHistory(List.of(new Entry(1, 0, Long.MAX_VALUE)));
    }

    /**
     * Parses a history file's text ({@code parentTLI <tab> switchpoint <tab> reason} per line,
     * {@code #} comments) as the history of {@code timeline}.
     *
     * @throws IllegalArgumentException on a line that is not of that form
     */
    public static TimelineHistory parse(int timeline, String text) {
        List<Entry> entries = new ArrayList<>();
        long begin = 0;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+", 3);
            if (fields.length < 2) {
                throw new IllegalArgumentException("not a timeline history line: '" + line + "'");
            }
            int parent = Integer.parseInt(fields[0]);
            long switchpoint = Lsn.parse(fields[1]);
            entries.add(new Entry(parent, begin, switchpoint));
            begin = switchpoint;
        }
        entries.add(new Entry(timeline, begin, Long.MAX_VALUE));
        return new TimelineHistory(entries);
    }

    /** The timeline this history leads to. */
    public int timeline() {
        return entries.get(entries.size() - 1).timeline();
    }

    /** Whether {@code tli} is on this path. */
    public boolean contains(int tli) {
        return entries.stream().anyMatch(e -> e.timeline() == tli);
    }

    /** The entry of {@code tli}, or null when it is not on this path. */
    public Entry entry(int tli) {
        return entries.stream().filter(e -> e.timeline() == tli).findFirst().orElse(null);
    }

    /**
     * The timeline whose file holds segment {@code segno} on this path: the newest one that began
     * at or before that segment, as PostgreSQL reads it (a new timeline's first segment repeats
     * its parent's WAL up to the switch point).
     */
    public int timelineOfSegment(long segno) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (WalFile.segnoOf(entries.get(i).begin()) <= segno) {
                return entries.get(i).timeline();
            }
        }
        return entries.get(0).timeline();
    }

    /**
     * Whether WAL written on {@code tli} at {@code lsn} belongs to this history, i.e. was not
     * abandoned by a later branch.
     */
    public boolean holds(int tli, long lsn) {
        Entry e = entry(tli);
        return e != null && Long.compareUnsigned(lsn, e.end()) <= 0;
    }
}
