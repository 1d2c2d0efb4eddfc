package io.hadr.drill.engine;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.Platform;
import io.hadr.drill.measure.Sample;
import io.hadr.drill.spec.Condition;
import io.hadr.drill.spec.TrafficKind;
import io.hadr.drill.traffic.LoadGenerator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Judges a {@link Condition} now: traffic conditions on the latest requests sent (by send time,
 * so that a late timeout of an old request does not hide a recovery), status conditions on a
 * fresh status from the platform.
 */
final class Conditions {

    /** How many of the latest requests "served from" and "succeed" look at. */
    static final int LATEST = 5;
    /** How many of the latest successes "include" looks at. */
    static final int INCLUDE_WINDOW = 10;
    /** How many of the latest requests "fail" looks at. */
    static final int FAIL_WINDOW = 3;

    /** A judgement and what was seen, for messages. */
    record Check(boolean holds, String observed) {}

    private final LoadGenerator traffic;
    private final Platform platform;

    Conditions(LoadGenerator traffic, Platform platform) {
        this.traffic = traffic;
        this.platform = platform;
    }

    Check check(Condition condition) {
        if (condition instanceof Condition.ServedFrom c) {
            List<Sample> latest = latest(c.kind(), LATEST);
            boolean holds = latest.size() == LATEST
                    && latest.stream()
                            .allMatch(s -> s.ok() && c.region().displayName().equals(s.region()));
            return new Check(holds, describe(c.kind(), latest));
        }
        if (condition instanceof Condition.Include c) {
            List<Sample> latest = latest(c.kind(), INCLUDE_WINDOW);
            boolean holds = latest.stream()
                    .anyMatch(s -> s.ok() && c.region().displayName().equals(s.region()));
            return new Check(holds, describe(c.kind(), latest));
        }
        if (condition instanceof Condition.Succeed c) {
            List<Sample> latest = latest(c.kind(), LATEST);
            // Successes of the latest answered requests say nothing while older ones still hang: a
            // backlog that has not drained is not a recovery.
            OptionalLong hanging = traffic.oldestUnanswered(c.kind());
            boolean drained = hanging.isEmpty()
                    || latest.isEmpty()
                    || hanging.getAsLong() > latest.get(0).sendNanos();
            String observed = describe(c.kind(), latest) + (drained ? "" : "; an older one is still without an answer");
            return new Check(
                    latest.size() == LATEST && drained && latest.stream().allMatch(Sample::ok), observed);
        }
        if (condition instanceof Condition.Fail c) {
            List<Sample> latest = latest(c.kind(), FAIL_WINDOW);
            return new Check(
                    latest.size() == FAIL_WINDOW && latest.stream().noneMatch(Sample::ok), describe(c.kind(), latest));
        }
        EnvironmentStatus status;
        try {
            status = platform.status();
        } catch (RuntimeException e) {
            return new Check(false, "the status could not be read: " + e.getMessage());
        }
        if (condition instanceof Condition.PrimaryIs c) {
            String primary =
                    status.database() == null ? null : status.database().primary();
            return new Check(
                    c.region().id().equals(primary), "the primary is " + (primary == null ? "unknown" : primary));
        }
        if (condition instanceof Condition.OriginHealth c) {
            EnvironmentStatus.OriginStatus origin = status.regions().stream()
                    .filter(r -> r.id().equals(c.region().id()))
                    .findFirst()
                    .map(EnvironmentStatus.RegionStatus::origin)
                    .orElse(null);
            if (origin == null) {
                return new Check(
                        false, "the status shows no origin for " + c.region().id());
            }
            return new Check(
                    origin.healthy() == c.healthy(),
                    "origin " + c.region().id() + " is " + (origin.healthy() ? "healthy" : "unhealthy"));
        }
        if (condition instanceof Condition.ReplicationLagBelow c) {
            Long lag = status.database() == null ? null : status.database().replicationLagMs();
            if (lag == null) {
                return new Check(false, "the replication lag is unknown (no secondary, or it does not stream)");
            }
            return new Check(lag < c.limit().toMillis(), "the replication lag is " + lag + " ms");
        }
        throw new IllegalStateException("unhandled condition " + condition);
    }

    /** The latest finished requests of a kind by send time, oldest first. */
    private List<Sample> latest(TrafficKind kind, int n) {
        List<Sample> recent = new ArrayList<>(traffic.latest(kind, 64));
        recent.sort(Comparator.comparingLong(Sample::sendNanos));
        return recent.subList(Math.max(0, recent.size() - n), recent.size());
    }

    static String describe(TrafficKind kind, List<Sample> samples) {
        if (samples.isEmpty()) {
            return "no " + kind.word() + " answered yet";
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Sample s : samples) {
            counts.merge(s.ok() ? "from " + s.region() : "failed (" + s.outcome() + ")", 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder("the latest " + samples.size() + " " + kind.word() + ": ");
        counts.forEach(
                (what, count) -> text.append(count).append(' ').append(what).append(", "));
        return text.substring(0, text.length() - 2);
    }
}
