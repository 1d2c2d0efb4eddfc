package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.Checks;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A change to one origin at runtime, like an ARM {@code PATCH} of an Azure Front Door origin: each
 * field is optional and only present fields change. Values are checked against the same ranges as
 * {@link OriginConfig}.
 *
 * <pre>{@code
 * frontDoor.updateOrigin("centralindia", OriginUpdate.disable());
 * frontDoor.updateOrigin("southindia", OriginUpdate.priority(1).withWeight(500));
 * }</pre>
 *
 * @param enabled the new enabled state, if it changes
 * @param priority the new priority (1–5), if it changes
 * @param weight the new weight (1–1000), if it changes
 */
public record OriginUpdate(Optional<Boolean> enabled, OptionalInt priority, OptionalInt weight) {

    public OriginUpdate {
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(weight, "weight");
        priority.ifPresent(p -> Checks.between("priority", p, OriginConfig.MIN_PRIORITY, OriginConfig.MAX_PRIORITY));
        weight.ifPresent(w -> Checks.between("weight", w, OriginConfig.MIN_WEIGHT, OriginConfig.MAX_WEIGHT));
    }

    /** An update that changes nothing. */
    public static OriginUpdate none() {
        return new OriginUpdate(Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    public static OriginUpdate enable() {
        return none().withEnabled(true);
    }

    public static OriginUpdate disable() {
        return none().withEnabled(false);
    }

    public static OriginUpdate priority(int priority) {
        return none().withPriority(priority);
    }

    public static OriginUpdate weight(int weight) {
        return none().withWeight(weight);
    }

    public OriginUpdate withEnabled(boolean newEnabled) {
        return new OriginUpdate(Optional.of(newEnabled), priority, weight);
    }

    public OriginUpdate withPriority(int newPriority) {
        return new OriginUpdate(enabled, OptionalInt.of(newPriority), weight);
    }

    public OriginUpdate withWeight(int newWeight) {
        return new OriginUpdate(enabled, priority, OptionalInt.of(newWeight));
    }

    public boolean isEmpty() {
        return enabled.isEmpty() && priority.isEmpty() && weight.isEmpty();
    }
}
