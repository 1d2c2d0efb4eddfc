package io.hadr.geodb.internal.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a file PostgreSQL archives, as PostgreSQL builds it (xlog_internal.h): a WAL
 * segment {@code TTTTTTTTXXXXXXXXYYYYYYYY} (timeline, then the segment number split in two),
 * a timeline history file {@code TTTTTTTT.history}, the last, incomplete segment of an old
 * timeline {@code ….partial}, or a backup history file {@code ….XXXXXXXX.backup}.
 *
 * <p>In a store a file may also carry the suffix {@code .gz} once it is compressed; {@link #parse}
 * takes either form and {@link #name()} is always the name PostgreSQL asks for.
 *
 * @param name the name PostgreSQL uses (without {@code .gz})
 * @param kind what the file is
 * @param timeline its timeline
 * @param segno the segment number (0 for a history file)
 */
public record WalFile(String name, Kind kind, int timeline, long segno) implements Comparable<WalFile> {

    /** WAL segment size hadr's servers use (initdb's default). */
    public static final long SEGMENT_SIZE = 16L * 1024 * 1024;
    /** Suffix of a compressed file in a store. */
    public static final String GZ = ".gz";

    private static final long SEGMENTS_PER_XLOGID = 0x1_0000_0000L / SEGMENT_SIZE;
    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
    private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");
    private static final Pattern PARTIAL = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\\.partial");
    private static final Pattern BACKUP =
            Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\\.[0-9A-F]{8}\\.backup");

    /** What a file in the archive is. */
    public enum Kind {
        SEGMENT,
        HISTORY,
        PARTIAL,
        BACKUP_HISTORY
    }

    /** Parses a file name found in a store or given by PostgreSQL; empty for anything else. */
    public static Optional<WalFile> parse(String fileName) {
        String name = fileName.endsWith(GZ) ? fileName.substring(0, fileName.length() - GZ.length()) : fileName;
        Matcher m = SEGMENT.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalFile(name, Kind.SEGMENT, hex(m.group(1)), segno(m.group(2), m.group(3))));
        }
        m = HISTORY.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalFile(name, Kind.HISTORY, hex(m.group(1)), 0));
        }
        m = PARTIAL.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalFile(name, Kind.PARTIAL, hex(m.group(1)), segno(m.group(2), m.group(3))));
        }
        m = BACKUP.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalFile(name, Kind.BACKUP_HISTORY, hex(m.group(1)), segno(m.group(2), m.group(3))));
        }
        return Optional.empty();
    }

    /** The segment of {@code timeline} holding {@code segno}. */
    public static WalFile segment(int timeline, long segno) {
        return new WalFile(segmentName(timeline, segno), Kind.SEGMENT, timeline, segno);
    }

    /** The history file of {@code timeline}. */
    public static WalFile history(int timeline) {
        return new WalFile(String.format("%08X.history", timeline), Kind.HISTORY, timeline, 0);
    }

    public static String segmentName(int timeline, long segno) {
        return String.format("%08X%08X%08X", timeline, segno / SEGMENTS_PER_XLOGID, segno % SEGMENTS_PER_XLOGID);
    }

    /** The segment holding {@code lsn}. */
    public static long segnoOf(long lsn) {
        return Long.divideUnsigned(lsn, SEGMENT_SIZE);
    }

    /** The first LSN of segment {@code segno}. */
    public static long startOf(long segno) {
        return segno * SEGMENT_SIZE;
    }

    /** The first LSN of this segment. */
    public long startLsn() {
        return startOf(segno);
    }

    /** The LSN just past this segment. */
    public long endLsn() {
        return startOf(segno + 1);
    }

    public boolean isSegment() {
        return kind == Kind.SEGMENT;
    }

    private static int hex(String text) {
        return (int) Long.parseLong(text, 16);
    }

    private static long segno(String high, String low) {
        return Long.parseLong(high, 16) * SEGMENTS_PER_XLOGID + Long.parseLong(low, 16);
    }

    /** Segments in WAL order (segment number, then timeline); other kinds after, by name. */
    @Override
    public int compareTo(WalFile other) {
        if (kind != other.kind) {
            return kind.compareTo(other.kind);
        }
        int bySegment = Long.compare(segno, other.segno);
        return bySegment != 0 ? bySegment : Integer.compare(timeline, other.timeline);
    }
}
