package io.hadr.core.platform;

/**
 * A change to a region's front door origin, like an ARM PATCH of the origin: each field that is
 * not null is set.
 *
 * @param enabled {@code enabledState}
 * @param priority 1 to 5, Azure Front Door's range (1 is used first)
 * @param weight 1 to 1000, Azure Front Door's range
 */
public record OriginChange(Boolean enabled, Integer priority, Integer weight) {

    public OriginChange {
        if (enabled == null && priority == null && weight == null) {
            throw new IllegalArgumentException("an origin change sets at least one of enabled, priority, weight");
        }
        if (priority != null && (priority < 1 || priority > 5)) {
            throw new IllegalArgumentException(
                    "priority must be between 1 and 5 (Azure Front Door's range), but was " + priority);
        }
        if (weight != null && (weight < 1 || weight > 1000)) {
            throw new IllegalArgumentException(
                    "weight must be between 1 and 1000 (Azure Front Door's range), but was " + weight);
        }
    }

    public static OriginChange enable() {
        return new OriginChange(true, null, null);
    }

    public static OriginChange disable() {
        return new OriginChange(false, null, null);
    }

    public static OriginChange priority(int priority) {
        return new OriginChange(null, priority, null);
    }

    public static OriginChange weight(int weight) {
        return new OriginChange(null, null, weight);
    }
}
