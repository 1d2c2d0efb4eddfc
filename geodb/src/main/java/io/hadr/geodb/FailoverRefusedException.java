package io.hadr.geodb;

import java.time.Duration;

/**
 * A failover could not be performed and nothing was changed: the primary still serves.
 *
 * <p>Azure refuses a planned {@code failover} when the primary cannot synchronise; the caller
 * may then choose {@code forceFailoverAllowDataLoss}, which is what {@link FailoverMode#TRY_PLANNED}
 * does by itself.
 */
public class FailoverRefusedException extends GeoDbException {

    private static final long serialVersionUID = 1L;

    private FailoverRefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The planned failover needs the primary, which cannot be reached. */
    public static FailoverRefusedException primaryUnreachable(String primary, Throwable cause) {
        return new FailoverRefusedException(String.format(
                "planned failover refused: it must synchronise with the primary '%s' first, but that server "
                        + "is unreachable (%s); use a forced failover (forceFailoverAllowDataLoss), which may lose "
                        + "the writes not yet replicated",
                primary, cause == null ? "not running" : cause.getMessage()), cause);
    }

    /** There is no running secondary that could become the primary. */
    public static FailoverRefusedException noSecondary(String secondary, String why) {
        return new FailoverRefusedException(secondary == null
                ? "failover refused: the group has no secondary to promote (" + why + ")"
                : String.format("failover refused: the secondary '%s' cannot be promoted: %s", secondary, why), null);
    }

    /** The secondary did not replay the primary's last write within the deadline; writes resumed. */
    public static FailoverRefusedException catchUpTimedOut(String secondary, Duration deadline, String lag,
            Throwable cause) {
        return new FailoverRefusedException(String.format(
                "planned failover refused: the secondary '%s' did not catch up within %s (%s); writes on the "
                        + "primary were resumed and nothing changed; retry, or use a forced failover",
                secondary, deadline, lag), cause);
    }
}
