package io.hadr.core.platform;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;

/** A change to the link between the two regions (local environment only). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LinkFault.Latency.class, name = "latency"),
    @JsonSubTypes.Type(value = LinkFault.Partition.class, name = "partition"),
    @JsonSubTypes.Type(value = LinkFault.Heal.class, name = "heal")
})
public sealed interface LinkFault {

    /** Every packet between the regions takes this long one way. */
    record Latency(Duration oneWay) implements LinkFault {
        public Latency {
            if (oneWay.isNegative()) {
                throw new IllegalArgumentException("link latency cannot be negative, but was " + oneWay);
            }
        }
    }

    /** Nothing crosses between the regions; connections stall as on a cut link. */
    record Partition() implements LinkFault {}

    /** The partition ends; the configured latency stays. */
    record Heal() implements LinkFault {}
}
