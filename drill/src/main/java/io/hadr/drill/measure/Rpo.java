package io.hadr.drill.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a drill's writes became, counted exactly: every acknowledged write is looked up among the
 * records the serving database holds after the drill.
 *
 * <ul>
 *   <li>lost: acknowledged (2xx) but absent — exact ids, oldest acknowledgement first;</li>
 *   <li>in doubt: not acknowledged (failed or timed out) but present — the client was told nothing
 *       or an error, yet the write happened;</li>
 *   <li>the lost span: from the oldest lost acknowledgement to the fault it preceded (or to the
 *       newest lost acknowledgement when that is later): the stretch of acknowledged history the
 *       disaster took. 0 when nothing was lost.</li>
 *   <li>a lower bound: when even the drill's first acknowledged write is lost, the disaster took
 *       history from before the drill began too, which the drill cannot see: the real RPO is at
 *       least the lost span (e.g. a cold standby whose backup copies trail by minutes).</li>
 * </ul>
 *
 * @param sent writes sent
 * @param acknowledged writes answered 2xx
 * @param present writes found in the database
 * @param lostIds lost ids, in the order they were acknowledged
 * @param inDoubtIds in-doubt ids, in the order they were sent
 * @param oldestLostAckNanos acknowledgement time of the oldest lost write, or null
 * @param newestLostAckNanos acknowledgement time of the newest lost write, or null
 * @param lostSpanNanos the lost span
 * @param foreign records of the drill's writers that no request of this drill made (another run's, or a bug)
 * @param lowerBound the drill's first acknowledged write is lost: the real RPO is at least the lost span
 */
public record Rpo(
        int sent,
        int acknowledged,
        int present,
        List<String> lostIds,
        List<String> inDoubtIds,
        Long oldestLostAckNanos,
        Long newestLostAckNanos,
        long lostSpanNanos,
        int foreign,
        boolean lowerBound) {

    public int lost() {
        return lostIds.size();
    }

    public int inDoubt() {
        return inDoubtIds.size();
    }

    public long lostSpanMs() {
        return Math.round(lostSpanNanos / 1e6);
    }

    /**
     * @param writes the drill's write requests
     * @param presentIds every id the serving database holds for the drill's writers
     * @param faultNanos the faults' times, in order; empty when the drill had none
     */
    public static Rpo count(List<Sample> writes, Set<String> presentIds, List<Long> faultNanos) {
        List<Sample> lost = new ArrayList<>();
        List<String> inDoubt = new ArrayList<>();
        Set<String> made = new HashSet<>();
        int acknowledged = 0;
        long firstAcknowledged = Long.MAX_VALUE;
        int present = 0;
        List<Sample> bySend = new ArrayList<>(writes);
        bySend.sort(Comparator.comparingLong(Sample::sendNanos));
        for (Sample write : bySend) {
            made.add(write.id());
            boolean there = presentIds.contains(write.id());
            if (there) {
                present++;
            }
            if (write.ok()) {
                acknowledged++;
                firstAcknowledged = Math.min(firstAcknowledged, write.endNanos());
                if (!there) {
                    lost.add(write);
                }
            } else if (there) {
                inDoubt.add(write.id());
            }
        }
        int foreign = (int) presentIds.stream().filter(id -> !made.contains(id)).count();
        lost.sort(Comparator.comparingLong(Sample::endNanos));
        if (lost.isEmpty()) {
            return new Rpo(
                    writes.size(),
                    acknowledged,
                    present,
                    List.of(),
                    List.copyOf(inDoubt),
                    null,
                    null,
                    0,
                    foreign,
                    false);
        }
        long oldest = lost.get(0).endNanos();
        long newest = lost.get(lost.size() - 1).endNanos();
        long reference = newest;
        for (long fault : faultNanos) {
            if (fault >= oldest) {
                reference = Math.max(fault, newest);
                break;
            }
        }
        return new Rpo(
                writes.size(),
                acknowledged,
                present,
                lost.stream().map(Sample::id).toList(),
                List.copyOf(inDoubt),
                oldest,
                newest,
                reference - oldest,
                foreign,
                oldest == firstAcknowledged);
    }
}
