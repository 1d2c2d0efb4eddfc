package io.hadr.geodb.internal.backup;

import io.hadr.geodb.internal.Lsn;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * What one archived WAL segment holds, learned once by reading it ({@link WalReader}) and kept
 * beside the store's files so that the restorable range is known without reading the WAL again.
 * Records are counted in the segment where they end; a record carried over from the previous
 * segment makes a summary depend on which file preceded it ({@link #predecessor()}).
 *
 * @param file the segment's name
 * @param predecessor the name of the segment read before it, or "-" when reading started here
 * @param sha256 the checksum of its (uncompressed) bytes, to find later damage
 * @param end how the segment ended (valid to the end, or where and why not)
 * @param transactionEnds commits and aborts ending in it
 * @param firstTransactionEnd the first of them, or null
 * @param lastTransactionEnd the last of them, or null
 * @param restorePoints named restore points in it
 * @param state the reader's state after it, to read the next segment from here
 */
public record SegmentSummary(
        String file,
        String predecessor,
        String sha256,
        WalReader.SegmentEnd end,
        int transactionEnds,
        Point firstTransactionEnd,
        Point lastTransactionEnd,
        List<RestorePoint> restorePoints,
        WalReader.State state) {

    /** A position in the WAL and the time a record there carries. */
    public record Point(long lsn, Instant time) {}

    /** A restore point: its name, the position of its record and its time. */
    public record RestorePoint(String name, long lsn, Instant time) {}

    public SegmentSummary {
        restorePoints = List.copyOf(restorePoints);
    }

    /** Collects the summary of one segment as the reader reports its records. */
    static final class Collector implements WalReader.RecordSink {
        int transactionEnds;
        Point first;
        Point last;
        final List<RestorePoint> restorePoints = new ArrayList<>();

        @Override
        public void accept(WalReader.Record record) {
            Instant end = record.transactionEnd();
            if (end != null) {
                transactionEnds++;
                Point p = new Point(record.start(), end);
                if (first == null) {
                    first = p;
                }
                last = p;
            }
            String name = record.restorePointName();
            if (name != null) {
                restorePoints.add(new RestorePoint(name, record.start(), record.restorePointTime()));
            }
        }
    }

    String toText() {
        Properties p = new Properties();
        p.setProperty("file", file);
        p.setProperty("predecessor", predecessor);
        p.setProperty("sha256", sha256);
        p.setProperty("end.validEnd", Long.toUnsignedString(end.validEnd()));
        p.setProperty("end.complete", Boolean.toString(end.complete()));
        p.setProperty("end.openRecordStart", Long.toString(end.openRecordStart()));
        p.setProperty("end.lastRecordStart", Long.toString(end.lastRecordStart()));
        if (end.error() != null) {
            p.setProperty("end.error", end.error());
        }
        p.setProperty("transactionEnds", Integer.toString(transactionEnds));
        point(p, "first", firstTransactionEnd);
        point(p, "last", lastTransactionEnd);
        p.setProperty("restorePoints", Integer.toString(restorePoints.size()));
        for (int i = 0; i < restorePoints.size(); i++) {
            RestorePoint rp = restorePoints.get(i);
            p.setProperty("restorePoint." + i + ".name", rp.name());
            p.setProperty("restorePoint." + i + ".lsn", Lsn.format(rp.lsn()));
            p.setProperty("restorePoint." + i + ".time", rp.time().toString());
        }
        p.setProperty("state.nextSegno", Long.toString(state.nextSegno()));
        p.setProperty("state.previousRecordStart", Long.toString(state.previousRecordStart()));
        p.setProperty("state.magic", Integer.toString(state.magic()));
        if (state.partial() != null) {
            p.setProperty("state.partial", Base64.getEncoder().encodeToString(state.partial()));
            p.setProperty("state.partialStart", Long.toString(state.partialStart()));
        }
        StringWriter out = new StringWriter();
        try {
            p.store(out, "hadr: summary of an archived WAL segment (derived; safe to delete)");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    static SegmentSummary fromText(String text) {
        Properties p = new Properties();
        try (Reader in = new StringReader(text)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        WalReader.SegmentEnd end = new WalReader.SegmentEnd(
                Long.parseUnsignedLong(p.getProperty("end.validEnd")),
                Boolean.parseBoolean(p.getProperty("end.complete")),
                Long.parseLong(p.getProperty("end.openRecordStart")),
                Long.parseLong(p.getProperty("end.lastRecordStart")),
                p.getProperty("end.error"));
        List<RestorePoint> points = new ArrayList<>();
        int n = Integer.parseInt(p.getProperty("restorePoints", "0"));
        for (int i = 0; i < n; i++) {
            points.add(new RestorePoint(
                    p.getProperty("restorePoint." + i + ".name"),
                    Lsn.parse(p.getProperty("restorePoint." + i + ".lsn")),
                    Instant.parse(p.getProperty("restorePoint." + i + ".time"))));
        }
        String partial = p.getProperty("state.partial");
        WalReader.State state = new WalReader.State(
                Long.parseLong(p.getProperty("state.nextSegno")),
                Long.parseLong(p.getProperty("state.previousRecordStart")),
                Integer.parseInt(p.getProperty("state.magic")),
                partial == null ? null : Base64.getDecoder().decode(partial),
                Long.parseLong(p.getProperty("state.partialStart", "-1")));
        return new SegmentSummary(
                p.getProperty("file"),
                p.getProperty("predecessor"),
                p.getProperty("sha256"),
                end,
                Integer.parseInt(p.getProperty("transactionEnds")),
                point(p, "first"),
                point(p, "last"),
                points,
                state);
    }

    private static void point(Properties p, String key, Point point) {
        if (point != null) {
            p.setProperty(key + ".lsn", Lsn.format(point.lsn()));
            p.setProperty(key + ".time", point.time().toString());
        }
    }

    private static Point point(Properties p, String key) {
        String lsn = p.getProperty(key + ".lsn");
        return lsn == null ? null : new Point(Lsn.parse(lsn), Instant.parse(p.getProperty(key + ".time")));
    }
}
