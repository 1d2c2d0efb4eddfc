package io.hadr.drill.report;

import io.hadr.core.topology.Topology;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A drill's evidence, written as {@code report.json}. The field names of the contract in
 * DESIGN.md ({@code drill}, {@code verdict}, {@code startedAt}, {@code endedAt}, {@code platform},
 * {@code hadrVersion}, {@code topology}, {@code strategy}, {@code objectives}, {@code phases},
 * {@code reads}, {@code writes}, {@code restore}) keep their meaning; everything else is additional.
 *
 * @param verdict {@code PASS}, {@code FAIL}, {@code ABORTED}, or {@code NOT_APPLICABLE} when the
 *     platform cannot inject the drill's fault at all
 * @param verdictReason why, in one sentence, when not PASS
 * @param restore the point-in-time restore, or null when the drill made none
 */
public record DrillReport(
        String drill,
        String title,
        String description,
        String source,
        String verdict,
        String verdictReason,
        Instant startedAt,
        Instant endedAt,
        String platform,
        String hadrVersion,
        Topology topology,
        String strategy,
        Machine machine,
        TrafficSettings traffic,
        List<Objective> objectives,
        List<Phase> phases,
        Reads reads,
        Writes writes,
        Restore restore,
        List<Fault> faults,
        List<ProbeResult> steadyStateBefore,
        List<ProbeResult> steadyStateAfter,
        List<StepResult> steps,
        String rollbacksWhen,
        List<StepResult> rollbacks,
        String safeguardTripped,
        Chart timeline,
        List<String> notes) {

    /** Where the drill ran. */
    public record Machine(String hostname, String os, String arch, int cores, long memoryMb, String java) {

        /** This machine, as the JVM sees it. */
        public static Machine current() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown";
            }
            long memoryMb = -1;
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                memoryMb = os.getTotalMemorySize() / (1024 * 1024);
            }
            return new Machine(
                    host,
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(),
                    memoryMb,
                    System.getProperty("java.vendor") + " " + Runtime.version());
        }
    }

    /** The traffic the drill drove. */
    public record TrafficSettings(
            String endpoint,
            double readsPerSecond,
            double writesPerSecond,
            List<String> writers,
            long requestTimeoutMs,
            long sustainedMs) {}

    /**
     * One objective and how the drill did against it.
     *
     * @param target e.g. {@code 60s}
     * @param measured e.g. {@code 1.8s}, or {@code never recovered}
     * @param measuredMs null when there is no number (never recovered, could not read back)
     * @param verdict PASS or FAIL
     */
    public record Objective(
            String name, String target, String measured, Long measuredMs, String verdict, String detail) {}

    /**
     * A moment of the drill.
     *
     * @param atMs milliseconds after the (first) fault; negative before it
     * @param fault which fault it belongs to (1 for the first), or null for moments of the drill as a whole
     */
    public record Phase(String name, Instant at, long atMs, Integer fault) {}

    /** Reads ({@code GET /}). */
    public record Reads(long sent, long ok, long failed, Long rtoMs, Map<String, Long> byRegion, Latency latency) {}

    /**
     * Writes ({@code POST /api/records}) and what became of them.
     *
     * @param lost acknowledged writes absent afterwards; null when they could not be read back
     * @param lostSpanMs the acknowledged history lost, oldest lost acknowledgement to the fault
     * @param writer the (first) writer id, for {@code GET /api/records?writer=}
     * @param readBackError why the writes could not be read back, or null
     */
    public record Writes(
            long sent,
            long acknowledged,
            long failed,
            Long rtoMs,
            Integer lost,
            List<String> lostIds,
            Long lostSpanMs,
            Instant lostFrom,
            Instant lostTo,
            Integer inDoubt,
            List<String> inDoubtIds,
            Integer present,
            Integer foreign,
            String writer,
            List<String> writers,
            String readBackError,
            Map<String, Long> byRegion,
            Latency latency,
            Boolean lostSpanIsLowerBound) {}

    /** Latency of answered requests, in ms. */
    public record Latency(Double p50Ms, Double p99Ms, Double maxMs) {}

    /**
     * A point-in-time restore checked row by row against the drill's own writes.
     *
     * @param target the time asked for (for a mark or LSN, the time it stood for)
     * @param reached the commit time of the last transaction the restore replayed
     * @param expectedRows writes acknowledged before the target: each must be in the restore
     * @param restoredRows the drill's rows the restore holds
     * @param exact no expected row missing and no row from after the target present
     * @param inFlightAtTarget writes sent before and acknowledged after the target: either way is right
     */
    public record Restore(
            String name,
            String point,
            Instant target,
            Instant reached,
            String reachedLsn,
            int expectedRows,
            int restoredRows,
            boolean exact,
            long durationMs,
            int inFlightAtTarget,
            List<String> missingIds,
            List<String> unexpectedIds,
            String error) {}

    /** One fault and the recovery after it. */
    public record Fault(
            int number,
            String step,
            Instant at,
            Long readsRtoMs,
            Long writesRtoMs,
            int readsFailed,
            int writesFailed) {}

    /** One steady-state probe. */
    public record ProbeResult(String probe, int line, String measured, String verdict) {}

    /**
     * One step.
     *
     * @param status done, failed, aborted, not applicable, skipped
     * @param atMs start, ms after the (first) fault
     */
    public record StepResult(
            int line,
            String step,
            String name,
            boolean fault,
            String status,
            Instant startedAt,
            Long atMs,
            Long durationMs,
            String detail) {}

    /**
     * The chart's data: per bucket, successes by region and failures, for reads and writes.
     *
     * @param times each bucket's start, ms after the (first) fault
     */
    public record Chart(long bucketMs, List<Long> times, List<String> regions, Series reads, Series writes) {}

    /** One kind's buckets. */
    public record Series(Map<String, long[]> ok, long[] failed) {}
}
