package io.hadr.drill.engine;

import io.hadr.core.platform.Capability;
import io.hadr.core.topology.Durations;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.Probe;
import io.hadr.drill.spec.Safeguard;
import io.hadr.drill.spec.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a drill will do on a platform, in words: printed by a dry run and at the start of a run.
 * Also decides, once, which steps the platform cannot do and which belong to another strategy.
 */
public final class Plan {

    private final Drill drill;
    private final Topology topology;
    private final String platformKind;
    private final Set<Capability> capabilities;
    private final Duration rto;
    private final Duration rpo;
    private final String rtoSource;
    private final String rpoSource;
    private final Duration maxDuration;

    /**
     * @param capabilities what the platform can do, or null when no platform is known (every step is assumed possible)
     * @param overrides objective overrides by name
     */
    public Plan(
            Drill drill,
            Topology topology,
            String platformKind,
            Set<Capability> capabilities,
            java.util.Map<String, Duration> overrides,
            Duration maxDuration) {
        this.drill = drill;
        this.topology = topology;
        this.platformKind = platformKind;
        this.capabilities = capabilities;
        this.maxDuration = maxDuration;
        if (overrides.containsKey("rto")) {
            rto = overrides.get("rto");
            rtoSource = "command line";
        } else if (drill.rto() != null) {
            rto = drill.rto();
            rtoSource = "drill";
        } else {
            rto = topology.objectives().rto();
            rtoSource = "topology";
        }
        if (overrides.containsKey("rpo")) {
            rpo = overrides.get("rpo");
            rpoSource = "command line";
        } else if (drill.rpo() != null) {
            rpo = drill.rpo();
            rpoSource = "drill";
        } else {
            rpo = topology.objectives().rpo();
            rpoSource = "topology";
        }
    }

    public Duration rto() {
        return rto;
    }

    public Duration rpo() {
        return rpo;
    }

    public Strategy strategy() {
        return topology.strategy();
    }

    /** The method's steps, numbered from 1, with applicability decided. */
    List<StepRecord> method() {
        return records(drill.method());
    }

    List<StepRecord> rollbacks() {
        return records(drill.rollbacks().steps());
    }

    private List<StepRecord> records(List<Step> steps) {
        List<StepRecord> records = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            records.add(new StepRecord(step, i + 1, notApplicable(step), otherStrategy(step)));
        }
        return records;
    }

    private String notApplicable(Step step) {
        if (capabilities == null) {
            return null;
        }
        List<Capability> missing = step.action().capabilities().stream()
                .filter(c -> !capabilities.contains(c))
                .sorted(Comparator.naturalOrder())
                .toList();
        if (missing.isEmpty()) {
            return null;
        }
        return "the " + platformKind + " platform cannot "
                + missing.stream().map(Capability::description).collect(Collectors.joining(" or "));
    }

    private String otherStrategy(Step step) {
        if (step.appliesTo(topology.strategy())) {
            return null;
        }
        return "only for "
                + step.strategies().stream().sorted().map(Strategy::id).collect(Collectors.joining(", ")) + ", not "
                + topology.strategy().id();
    }

    /** The plan in words. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("Drill ")
                .append(drill.name())
                .append(" — ")
                .append(drill.title())
                .append('\n');
        text.append("  from: ").append(drill.source()).append('\n');
        text.append("  topology: ")
                .append(topology.source())
                .append(" (")
                .append(topology.strategy().id())
                .append("; primary ")
                .append(topology.primary().id())
                .append(" ")
                .append(topology.primary().displayName())
                .append(", secondary ")
                .append(topology.secondary().id())
                .append(" ")
                .append(topology.secondary().displayName())
                .append(")\n");
        if (platformKind != null) {
            text.append("  platform: ").append(platformKind).append('\n');
        }
        var t = drill.traffic();
        text.append("  traffic: ")
                .append(fmt(t.readsPerSecond()))
                .append(" reads/s, ")
                .append(fmt(t.writesPerSecond()))
                .append(" writes/s, ")
                .append(t.writers())
                .append(t.writers() == 1 ? " writer" : " writers")
                .append("; request timeout ")
                .append(Durations.format(t.requestTimeout()))
                .append("; recovered after ")
                .append(Durations.format(t.sustained()))
                .append(" of successes\n");
        text.append("  objectives: RTO ")
                .append(Durations.format(rto))
                .append(" (")
                .append(rtoSource)
                .append("), RPO ")
                .append(Durations.format(rpo))
                .append(" (")
                .append(rpoSource)
                .append(")\n");
        text.append("  steady state (")
                .append(Durations.format(drill.steadyState().window()))
                .append(" of traffic, before and after):");
        if (drill.steadyState().probes().isEmpty()) {
            text.append(" no probes\n");
        } else {
            text.append('\n');
            for (Probe probe : drill.steadyState().probes()) {
                text.append("    - ").append(probe.text()).append('\n');
            }
        }
        text.append("  method:\n");
        List<StepRecord> method = method();
        describeSteps(text, method);
        method.stream()
                .filter(r -> r.otherStrategy == null && r.notApplicable != null && !r.step.optional())
                .findFirst()
                .ifPresent(r -> text.append("  => the drill is NOT APPLICABLE here: step ")
                        .append(r.number)
                        .append(" (")
                        .append(r.step.text())
                        .append(") cannot be done and is not optional\n"));
        text.append("  rollbacks (").append(drill.rollbacks().when().word()).append("):");
        if (drill.rollbacks().steps().isEmpty()) {
            text.append(" none\n");
        } else {
            text.append('\n');
            describeSteps(text, rollbacks());
        }
        text.append("  safeguards:\n");
        for (Safeguard safeguard : drill.safeguards()) {
            text.append("    - ").append(safeguard.text()).append('\n');
        }
        text.append("    - duration above ")
                .append(Durations.format(maxDuration))
                .append(" (hadr's own limit)\n");
        return text.toString();
    }

    private static void describeSteps(StringBuilder text, List<StepRecord> steps) {
        for (StepRecord record : steps) {
            Step step = record.step;
            text.append(String.format("    %2d. %s", record.number, step.text()));
            List<String> notes = new ArrayList<>();
            if (step.fault()) {
                notes.add("the fault: RTO is measured from here");
            }
            if (step.name() != null) {
                notes.add("named " + step.name());
            }
            if (step.onlyIf() != null) {
                notes.add("only if " + step.onlyIf().text());
            }
            if (record.otherStrategy != null) {
                notes.add("skipped: " + record.otherStrategy);
            }
            if (record.notApplicable != null) {
                notes.add("NOT APPLICABLE: " + record.notApplicable);
            }
            if (step.optional()) {
                notes.add("optional");
            }
            if (!notes.isEmpty()) {
                text.append("   [").append(String.join("; ", notes)).append(']');
            }
            text.append('\n');
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
