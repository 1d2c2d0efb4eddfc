package io.hadr.drill.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The recovery time of one kind of traffic after one fault, computed from the requests
 * themselves: from the fault to the start of the first sustained run of successes.
 *
 * <p>Rules, in order:
 * <ul>
 *   <li>A failure counts when the request was sent at or after the fault, or was in flight when
 *       the fault came and failed after it; failures that ended before the fault are not the
 *       fault's. Only failures sent before the next fault count, so one fault's outage is not
 *       charged with the next one's.</li>
 *   <li>No counted failure: the RTO is 0.</li>
 *   <li>Otherwise, after the first counted failure, requests are walked in the order they were
 *       sent; a failure breaks the current run of successes; a run is sustained once its last
 *       success was sent {@code sustainedNanos} after its first. The RTO is the first sustained
 *       run's start minus the fault (never below 0). Runs that break earlier (flapping) do not
 *       count.</li>
 *   <li>No sustained run before the traffic ends: never recovered, RTO null.</li>
 * </ul>
 *
 * @param rtoNanos the RTO, or null when service never came back
 * @param failedRequests counted failures sent before the recovery (all of them when never recovered)
 * @param firstFailureNanos when the first counted failure was seen (its answer or error arrived), or null; a
 *     request in flight when the fault came fails after it, so this is never before the fault
 * @param firstSuccessNanos send time of the first success after it, or null
 * @param recoveredNanos start of the first sustained run, or null
 * @param steadyNanos when that run became sustained, or null
 */
public record Rto(
        Long rtoNanos,
        int failedRequests,
        Long firstFailureNanos,
        Long firstSuccessNanos,
        Long recoveredNanos,
        Long steadyNanos) {

    public boolean recovered() {
        return rtoNanos != null;
    }

    public Long rtoMs() {
        return rtoNanos == null ? null : Math.round(rtoNanos / 1e6);
    }

    /**
     * @param samples requests of one kind, in any order
     * @param faultNanos when the fault was injected
     * @param nextFaultNanos when the next fault was injected, or {@link Long#MAX_VALUE}
     * @param sustainedNanos how long a run of successes must last to count as recovery
     */
    public static Rto compute(List<Sample> samples, long faultNanos, long nextFaultNanos, long sustainedNanos) {
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingLong(Sample::sendNanos));
        int first = -1;
        for (int i = 0; i < sorted.size(); i++) {
            if (counts(sorted.get(i), faultNanos, nextFaultNanos)) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return new Rto(0L, 0, null, null, null, null);
        }
        Long firstSuccess = null;
        Long runStart = null;
        int failed = 0;
        for (int i = first; i < sorted.size(); i++) {
            Sample s = sorted.get(i);
            if (!s.ok()) {
                if (s.sendNanos() >= faultNanos || s.endNanos() >= faultNanos) {
                    failed++;
                }
                runStart = null;
                continue;
            }
            if (s.sendNanos() < faultNanos && runStart == null) {
                // A success sent before the fault (answered late) says nothing about recovery.
                continue;
            }
            if (firstSuccess == null) {
                firstSuccess = s.sendNanos();
            }
            if (runStart == null) {
                runStart = s.sendNanos();
            }
            if (s.sendNanos() - runStart >= sustainedNanos) {
                long rto = Math.max(0, runStart - faultNanos);
                return new Rto(
                        rto,
                        failed,
                        firstSeen(sorted, faultNanos, nextFaultNanos),
                        firstSuccess,
                        runStart,
                        s.sendNanos());
            }
        }
        return new Rto(null, failed, firstSeen(sorted, faultNanos, nextFaultNanos), firstSuccess, null, null);
    }

    private static long firstSeen(List<Sample> sorted, long faultNanos, long nextFaultNanos) {
        return sorted.stream()
                .filter(s -> counts(s, faultNanos, nextFaultNanos))
                .mapToLong(s -> Math.max(s.endNanos(), faultNanos))
                .min()
                .orElseThrow();
    }

    private static boolean counts(Sample s, long faultNanos, long nextFaultNanos) {
        return !s.ok() && s.sendNanos() < nextFaultNanos && (s.sendNanos() >= faultNanos || s.endNanos() >= faultNanos);
    }
}
