package io.hadr.drill.spec;

import io.hadr.core.topology.Strategy;
import java.util.Set;

/**
 * One step of a drill's method or rollbacks.
 *
 * @param line where the step is written
 * @param name the step's name, for references such as {@code db restore to time before NAME}; null when unnamed
 * @param action what it does
 * @param fault whether RTO is measured from this step
 * @param strategies the strategies this step belongs to; empty for all
 * @param onlyIf a condition checked just before; when false the step is skipped and says so; null for none
 * @param optional whether the drill still makes sense without this step on a platform that cannot do it; a
 *     method step that is not optional and that the platform cannot do makes the whole drill not applicable
 */
public record Step(
        int line,
        String name,
        Action action,
        boolean fault,
        Set<Strategy> strategies,
        Condition onlyIf,
        boolean optional) {

    public Step {
        strategies = Set.copyOf(strategies);
    }

    public boolean appliesTo(Strategy strategy) {
        return strategies.isEmpty() || strategies.contains(strategy);
    }

    public String text() {
        return action.text();
    }
}
