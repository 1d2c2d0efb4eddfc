package io.hadr.geodb.internal.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The archived WAL of one store generation read as one chain along a timeline history: what a
 * restore from this store can replay.
 *
 * @param store the region whose store it is
 * @param generation the generation
 * @param history the timeline path followed
 * @param fromSegno the first segment of the chain
 * @param segments the segments, in order
 * @param missingSegno the first segment not in the store (where the chain stops), or -1
 * @param problem why the chain stops early (a missing segment with later ones present, invalid
 *     WAL), or null
 */
public record WalChain(
        String store,
        int generation,
        TimelineHistory history,
        long fromSegno,
        List<SegmentSummary> segments,
        long missingSegno,
        String problem) {

    public WalChain {
        segments = List.copyOf(segments);
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The position just past the last record a replay can apply. */
    public long replayableEnd() {
        return segments.isEmpty()
                ? WalFile.startOf(fromSegno)
                : segments.get(segments.size() - 1).end().validEnd();
    }

    /** The start of the last record in the chain (an LSN target must not be after it), or -1. */
    public long lastRecordStart() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            long start = segments.get(i).end().lastRecordStart();
            if (start >= 0) {
                return start;
            }
        }
        return -1;
    }

    /** The last commit or abort in the chain: a time target must be before it. Null when none. */
    public SegmentSummary.Point lastTransactionEnd() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).lastTransactionEnd() != null) {
                return segments.get(i).lastTransactionEnd();
            }
        }
        return null;
    }

    /** Every restore point in the chain, in WAL order. */
    public List<SegmentSummary.RestorePoint> restorePoints() {
        List<SegmentSummary.RestorePoint> points = new ArrayList<>();
        segments.forEach(s -> points.addAll(s.restorePoints()));
        return points;
    }

    /** The name of the last segment, or null. */
    public String lastSegment() {
        return segments.isEmpty() ? null : segments.get(segments.size() - 1).file();
    }

    /** The time of the last transaction end, or null. */
    public Instant latestTime() {
        SegmentSummary.Point p = lastTransactionEnd();
        return p == null ? null : p.time();
    }
}
