package io.hadr.geodb.internal.backup;

import io.hadr.geodb.internal.Lsn;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads PostgreSQL's write-ahead log segment by segment, the way PostgreSQL's own WAL reader does
 * (xlogreader.c), to learn what an archive holds without {@code pg_waldump}, which the bundled
 * binaries do not include: where each record starts and ends, which records end a transaction
 * and when (the times a point-in-time restore compares its target with), the named restore
 * points, and where the valid WAL ends.
 *
 * <p>Every record is checked as PostgreSQL checks it before replaying it: page headers (magic,
 * the page's own address, continuation flags), the record's back link to the previous record,
 * and its CRC-32C. The first record that fails a check ends the valid WAL, exactly where replay
 * would stop, so a corrupted or foreign segment is found and named before a restore relies on it.
 *
 * <p>Segments are fed in order; a record that continues into the next segment is completed when
 * that segment is fed, and reported with it. A segment that does not follow the previous one
 * starts afresh (records continued from an unseen segment are skipped).
 */
public final class WalReader {

    /** WAL page size (XLOG_BLCKSZ). */
    public static final int PAGE_SIZE = 8192;

    private static final int SHORT_HEADER = 24;
    private static final int LONG_HEADER = 40;
    private static final int RECORD_HEADER = 24;
    private static final int MAX_RECORD = 1020 * 1024 * 1024;
    private static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
    private static final int XLP_LONG_HEADER = 0x0002;
    private static final int XLP_FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
    /** PostgreSQL's epoch for TimestampTz: microseconds since 2000-01-01 00:00 UTC. */
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    public static final int RM_XLOG = 0;
    public static final int RM_XACT = 1;
    public static final int XLOG_SWITCH = 0x40;
    public static final int XLOG_RESTORE_POINT = 0x70;

    /** One decoded record; {@code mainData} only for the record kinds hadr reads, else null. */
    public record Record(long start, long end, int rmid, int info, long xid, byte[] mainData) {

        /** A commit or abort (what recovery_target_time is compared with): its time, else null. */
        public Instant transactionEnd() {
            if (rmid != RM_XACT || mainData == null || mainData.length < 8) {
                return null;
            }
            int op = info & 0x70;
            // XLOG_XACT_COMMIT 0x00, ABORT 0x20, COMMIT_PREPARED 0x30, ABORT_PREPARED 0x40
            if (op == 0x00 || op == 0x20 || op == 0x30 || op == 0x40) {
                return timestamp(mainData, 0);
            }
            return null;
        }

        /** Whether this is a commit (as opposed to an abort). */
        public boolean commit() {
            int op = info & 0x70;
            return rmid == RM_XACT && (op == 0x00 || op == 0x30);
        }

        /** The name of a restore point ({@code pg_create_restore_point}), else null. */
        public String restorePointName() {
            if (rmid != RM_XLOG || (info & 0xF0) != XLOG_RESTORE_POINT || mainData == null || mainData.length < 9) {
                return null;
            }
            int end = 8;
            while (end < mainData.length && mainData[end] != 0) {
                end++;
            }
            return new String(mainData, 8, end - 8, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The time of a restore point, else null. */
        public Instant restorePointTime() {
            return restorePointName() == null ? null : timestamp(mainData, 0);
        }

        public boolean walSwitch() {
            return rmid == RM_XLOG && (info & 0xF0) == XLOG_SWITCH;
        }
    }

    /** Receives each record as it is completed. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(Record record);
    }

    /**
     * How a fed segment ended.
     *
     * @param validEnd the LSN just past the last valid record completed in it (or the segment's
     *     start when none was)
     * @param complete true when the segment's WAL is valid to its end (possibly ending with a
     *     record that continues into the next segment, or a WAL switch)
     * @param openRecordStart the start of a record that continues into the next segment, or -1
     * @param lastRecordStart the start of the last record completed in it, or -1
     * @param error why the valid WAL ends inside this segment, or null
     */
    public record SegmentEnd(
            long validEnd, boolean complete, long openRecordStart, long lastRecordStart, String error) {}

    private final CRC32C crc = new CRC32C();
    private long nextSegno = -1;
    private long previousRecordStart = -1;
    private int magic = -1;
    private byte[] partial;
    private int partialFilled;
    private long partialStart = -1;
    private boolean broken;

    /**
     * Where a reader stands between two segments, so that reading can go on later (another
     * day, another process) from a summary instead of from the first segment.
     *
     * @param nextSegno the segment that continues what was read
     * @param previousRecordStart the start of the last completed record (the next one's back link)
     * @param magic the WAL page magic seen so far (PostgreSQL's WAL format version)
     * @param partial the bytes read so far of a record that continues into the next segment, or null
     * @param partialStart where that record starts
     */
    public record State(long nextSegno, long previousRecordStart, int magic, byte[] partial, long partialStart) {}

    /** Where this reader stands now (after a complete segment). */
    public State state() {
        return new State(
                nextSegno,
                previousRecordStart,
                magic,
                partial == null ? null : Arrays.copyOf(partial, partialFilled),
                partialStart);
    }

    /** A reader that goes on from {@code state}; the record in progress is completed by the next segment. */
    public static WalReader resume(State state, int partialTotal) {
        WalReader reader = new WalReader();
        reader.nextSegno = state.nextSegno();
        reader.previousRecordStart = state.previousRecordStart();
        reader.magic = state.magic();
        if (state.partial() != null) {
            reader.partial = Arrays.copyOf(state.partial(), partialTotal);
            reader.partialFilled = state.partial().length;
            reader.partialStart = state.partialStart();
        }
        return reader;
    }

    /** The total length of the record in progress (its header's first field), or 0. */
    public static int partialTotal(State state) {
        return state.partial() == null || state.partial().length < 4 ? 0 : (int) u32(state.partial(), 0);
    }

    /** Whether an earlier segment ended in invalid WAL; later segments are then not read. */
    public boolean broken() {
        return broken;
    }

    /**
     * Reads one segment (exactly {@link WalFile#SEGMENT_SIZE} bytes).
     *
     * @throws IllegalArgumentException when {@code data} has another length
     */
    public SegmentEnd feed(long segno, byte[] data, RecordSink sink) {
        if (data.length != WalFile.SEGMENT_SIZE) {
            throw new IllegalArgumentException(
                    "a WAL segment holds " + WalFile.SEGMENT_SIZE + " bytes, but " + data.length + " were given");
        }
        long segStart = WalFile.startOf(segno);
        if (segno != nextSegno) {
            // Not the continuation of what was read before: start afresh.
            partial = null;
            previousRecordStart = -1;
            broken = false;
        }
        nextSegno = segno + 1;
        long lastRecordStart = -1;
        long validEnd = segStart;
        for (int page = 0; page < WalFile.SEGMENT_SIZE / PAGE_SIZE; page++) {
            int pageOffset = page * PAGE_SIZE;
            int pageEnd = pageOffset + PAGE_SIZE;
            long pageLsn = segStart + pageOffset;
            int pageMagic = u16(data, pageOffset);
            int info = u16(data, pageOffset + 2);
            long pageAddress = u64(data, pageOffset + 8);
            int remaining = (int) u32(data, pageOffset + 16);
            if (pageAddress != pageLsn) {
                return end(
                        validEnd,
                        lastRecordStart,
                        "the page at " + Lsn.format(pageLsn) + " is not WAL written for "
                                + "that position (its header says " + Lsn.format(pageAddress) + ")");
            }
            if (magic == -1) {
                magic = pageMagic;
            } else if (pageMagic != magic) {
                return end(
                        validEnd,
                        lastRecordStart,
                        String.format(
                                "the page at %s has magic %04X, not %04X", Lsn.format(pageLsn), pageMagic, magic));
            }
            if (page == 0 && (info & XLP_LONG_HEADER) == 0) {
                return end(
                        validEnd,
                        lastRecordStart,
                        "the segment's first page at " + Lsn.format(pageLsn) + " has no long header");
            }
            int offset = pageOffset + ((info & XLP_LONG_HEADER) != 0 ? LONG_HEADER : SHORT_HEADER);
            if (partial != null && (info & XLP_FIRST_IS_OVERWRITE_CONTRECORD) != 0) {
                // The record that was being continued was abandoned (end of a crashed timeline).
                partial = null;
            }
            if (partial != null) {
                int missing = partial.length - partialFilled;
                if ((info & XLP_FIRST_IS_CONTRECORD) == 0 || remaining != missing) {
                    return end(
                            validEnd,
                            lastRecordStart,
                            "the record at " + Lsn.format(partialStart) + " continues on the page at "
                                    + Lsn.format(pageLsn) + ", which does not continue it");
                }
                int n = Math.min(missing, pageEnd - offset);
                System.arraycopy(data, offset, partial, partialFilled, n);
                partialFilled += n;
                offset += n;
                if (partialFilled < partial.length) {
                    continue;
                }
                byte[] record = partial;
                partial = null;
                long start = partialStart;
                String error = finish(record, 0, record.length, start, segStart + offset, sink);
                if (error != null) {
                    return end(validEnd, lastRecordStart, error);
                }
                lastRecordStart = start;
                validEnd = segStart + offset;
                if (isSwitch(record, 0)) {
                    return new SegmentEnd(segStart + WalFile.SEGMENT_SIZE, true, -1, lastRecordStart, null);
                }
                offset = align(offset);
            } else if ((info & XLP_FIRST_IS_CONTRECORD) != 0) {
                // The rest of a record that began before what was fed: skip it.
                int n = Math.min(remaining, pageEnd - offset);
                offset += n;
                if (remaining > n) {
                    continue;
                }
                offset = align(offset);
            }
            while (offset < pageEnd) {
                long start = segStart + offset;
                long total = u32(data, offset);
                if (total == 0) {
                    return end(validEnd, lastRecordStart, "no record at " + Lsn.format(start) + " (zero length)");
                }
                if (total < RECORD_HEADER || total > MAX_RECORD) {
                    return end(
                            validEnd, lastRecordStart, "invalid record length " + total + " at " + Lsn.format(start));
                }
                int onPage = (int) Math.min(total, pageEnd - offset);
                if (onPage >= RECORD_HEADER) {
                    String error = checkHeader(data, offset, start);
                    if (error != null) {
                        return end(validEnd, lastRecordStart, error);
                    }
                }
                if (onPage == total) {
                    String error = finish(data, offset, (int) total, start, start + total, sink);
                    if (error != null) {
                        return end(validEnd, lastRecordStart, error);
                    }
                    lastRecordStart = start;
                    validEnd = start + total;
                    if (isSwitch(data, offset)) {
                        return new SegmentEnd(segStart + WalFile.SEGMENT_SIZE, true, -1, lastRecordStart, null);
                    }
                    offset = align(offset + (int) total);
                } else {
                    partial = new byte[(int) total];
                    System.arraycopy(data, offset, partial, 0, onPage);
                    partialFilled = onPage;
                    partialStart = start;
                    offset = pageEnd;
                }
            }
        }
        return new SegmentEnd(validEnd, true, partial == null ? -1 : partialStart, lastRecordStart, null);
    }

    private SegmentEnd end(long validEnd, long lastRecordStart, String error) {
        broken = true;
        partial = null;
        nextSegno = -1;
        return new SegmentEnd(validEnd, false, -1, lastRecordStart, error);
    }

    private String checkHeader(byte[] b, int offset, long start) {
        int rmid = b[offset + 17] & 0xFF;
        if (rmid > 21 && rmid < 128) {
            return "invalid resource manager id " + rmid + " in the record at " + Lsn.format(start);
        }
        long prev = u64(b, offset + 8);
        if (previousRecordStart >= 0 && prev != previousRecordStart) {
            return "the record at " + Lsn.format(start) + " points back to " + Lsn.format(prev)
                    + ", not to the record before it at " + Lsn.format(previousRecordStart);
        }
        return null;
    }

    private String finish(byte[] b, int offset, int total, long start, long end, RecordSink sink) {
        String header = checkHeader(b, offset, start);
        if (header != null) {
            return header;
        }
        crc.reset();
        crc.update(b, offset + RECORD_HEADER, total - RECORD_HEADER);
        crc.update(b, offset, 20);
        long stored = u32(b, offset + 20);
        if (crc.getValue() != stored) {
            return "incorrect checksum in the record at " + Lsn.format(start);
        }
        previousRecordStart = start;
        int info = b[offset + 16] & 0xFF;
        int rmid = b[offset + 17] & 0xFF;
        byte[] main = rmid == RM_XLOG || rmid == RM_XACT ? mainData(b, offset, total) : null;
        sink.accept(new Record(start, end, rmid, info, u32(b, offset + 4), main));
        return null;
    }

    /**
     * The record's main data, which follows the block references and their data. Only records
     * without block references are decoded (commits, aborts, restore points, switches have none),
     * so the block header layout, which changes between major versions, does not matter here.
     */
    private static byte[] mainData(byte[] b, int offset, int total) {
        int p = offset + RECORD_HEADER;
        int end = offset + total;
        while (p < end) {
            int id = b[p] & 0xFF;
            switch (id) {
                case 255: { // XLR_BLOCK_ID_DATA_SHORT
                    int len = b[p + 1] & 0xFF;
                    return Arrays.copyOfRange(b, end - len, end);
                }
                case 254: { // XLR_BLOCK_ID_DATA_LONG
                    int len = (int) u32(b, p + 1);
                    return len > total ? null : Arrays.copyOfRange(b, end - len, end);
                }
                case 253: // XLR_BLOCK_ID_ORIGIN
                    p += 3;
                    break;
                case 252: // XLR_BLOCK_ID_TOPLEVEL_XID
                    p += 5;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static boolean isSwitch(byte[] b, int offset) {
        return (b[offset + 17] & 0xFF) == RM_XLOG && ((b[offset + 16] & 0xF0) == XLOG_SWITCH);
    }

    private static int align(int offset) {
        return (offset + 7) & ~7;
    }

    static Instant timestamp(byte[] b, int offset) {
        long micros = u64(b, offset);
        return PG_EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L))
                .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** The TimestampTz PostgreSQL would store for {@code instant} (microseconds since 2000-01-01). */
    public static long toPgMicros(Instant instant) {
        return Math.addExact(
                Math.multiplyExact(instant.getEpochSecond() - PG_EPOCH.getEpochSecond(), 1_000_000L),
                instant.getNano() / 1000L);
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xFFL) | (b[o + 1] & 0xFFL) << 8 | (b[o + 2] & 0xFFL) << 16 | (b[o + 3] & 0xFFL) << 24;
    }

    private static long u64(byte[] b, int o) {
        return u32(b, o) | u32(b, o + 4) << 32;
    }
}
