package io.hadr.geodb;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a failover did and how long each phase took.
 *
 * @param requested the mode asked for
 * @param performed the mode that happened (FORCED when TRY_PLANNED fell back)
 * @param oldPrimary the primary before
 * @param newPrimary the primary after: the failover's target
 * @param startedAt when it began, by the configured clock
 * @param phases each completed phase with the time since the start, in order
 * @param dataLossPossible true for a forced failover: writes not yet replicated may be lost
 * @param fallbackReason why a TRY_PLANNED failover was forced, or null
 * @param reason who asked (operator, automatic policy)
 */
public record FailoverReport(
        FailoverMode requested,
        FailoverMode performed,
        String oldPrimary,
        String newPrimary,
        Instant startedAt,
        List<Phase> phases,
        boolean dataLossPossible,
        String fallbackReason,
        String reason) {

    public FailoverReport {
        phases = List.copyOf(phases);
    }

    /**
     * One completed phase.
     *
     * @param phase which one
     * @param at time from the start of the failover to the end of this phase
     */
    public record Phase(FailoverPhase phase, Duration at) {

        /** The phase in words, e.g. {@code "secondary caught up"}. */
        public String name() {
            return phase.label();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %.2f s", phase.label(), at.toNanos() / 1e9);
        }
    }

    /** Time from the start to the end of the last phase. */
    public Duration total() {
        return phases.isEmpty() ? Duration.ZERO : phases.get(phases.size() - 1).at();
    }

    /** Time at which the phase ended, if it happened. */
    public Optional<Duration> phase(FailoverPhase phase) {
        return phases.stream().filter(p -> p.phase() == phase).map(Phase::at).findFirst();
    }

    /** Time at which the phase with this label ended, if it happened. */
    public Optional<Duration> phase(String label) {
        return phases.stream()
                .filter(p -> p.name().equals(label))
                .map(Phase::at)
                .findFirst();
    }

    /** {@code "writes stopped 0.02 s, secondary caught up 0.31 s, promoted 0.45 s, listeners moved 0.46 s"}. */
    public String summary() {
        return phases.stream().map(Phase::toString).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return performed + " failover " + oldPrimary + " -> " + newPrimary
                + (fallbackReason != null ? " (fell back to forced: " + fallbackReason + ")" : "") + ": " + summary();
    }
}
