package io.hadr.geodb;

import java.time.Duration;
import java.util.Objects;

/**
 * The failover policy of the read-write listener, as Azure's {@code readWriteEndpoint}: either
 * {@link #manual()} (only an explicit failover moves the primary) or
 * {@link #automatic(Duration)} (a forced failover once the primary has been unreachable for the
 * grace period, Azure's {@code failoverWithDataLossGracePeriodMinutes}).
 *
 * <p>Like Azure, a grace period belongs to the automatic policy only. Whether a grace period is
 * one Azure would accept (at least 60 minutes) is the topology's concern, not this library's.
 *
 * @param failoverPolicy MANUAL or AUTOMATIC
 * @param gracePeriod with AUTOMATIC, the outage before the failover (positive, at most a day); null with MANUAL
 */
public record ReadWriteEndpoint(FailoverPolicy failoverPolicy, Duration gracePeriod) {

    private static final Duration MAX_GRACE_PERIOD = Duration.ofDays(1);

    public ReadWriteEndpoint {
        Objects.requireNonNull(failoverPolicy, "failoverPolicy must not be null");
        if (failoverPolicy == FailoverPolicy.MANUAL && gracePeriod != null) {
            throw new IllegalArgumentException("a grace period applies only to the automatic failover policy "
                    + "(Azure refuses one with Manual), but the manual policy was given " + gracePeriod);
        }
        if (failoverPolicy == FailoverPolicy.AUTOMATIC) {
            Objects.requireNonNull(gracePeriod, "the automatic failover policy needs a grace period, but it was null");
            if (gracePeriod.isNegative() || gracePeriod.isZero() || gracePeriod.compareTo(MAX_GRACE_PERIOD) > 0) {
                throw new IllegalArgumentException(
                        "gracePeriod must be positive and at most " + MAX_GRACE_PERIOD + ", but was " + gracePeriod);
            }
        }
    }

    /** Only an explicit failover moves the primary (the default). */
    public static ReadWriteEndpoint manual() {
        return new ReadWriteEndpoint(FailoverPolicy.MANUAL, null);
    }

    /** A forced failover once the primary has been unreachable for {@code gracePeriod}. */
    public static ReadWriteEndpoint automatic(Duration gracePeriod) {
        return new ReadWriteEndpoint(FailoverPolicy.AUTOMATIC, gracePeriod);
    }

    public boolean isAutomatic() {
        return failoverPolicy == FailoverPolicy.AUTOMATIC;
    }

    @Override
    public String toString() {
        return isAutomatic() ? "automatic after " + gracePeriod : "manual";
    }
}
