package io.hadr.geodb;

import java.time.Duration;

/**
 * A failover could not be performed and nothing was changed: the primary still serves.
 *
 * <p>Azure refuses a planned {@code failover} when the primary cannot synchronise; the caller
 * may then choose {@code forceFailoverAllowDataLoss}, which is what {@link FailoverMode#TRY_PLANNED}
 * does by itself. The subclasses {@link FailoverGroupBusyException} and
 * {@link FailoverTargetIsPrimaryException} mark the refusals a caller handles differently (a
 * command line gives them their own exit status); {@link #reason()} names every kind.
 */
public class FailoverRefusedException extends GeoDbException {

    private static final long serialVersionUID = 1L;

    /** Why a failover was refused; the Azure error code where Azure has one. */
    public enum Reason {
        /** Another failover runs (Azure {@code FailoverGroupBusy}). */
        BUSY("FailoverGroupBusy"),
        /** The target already is the primary (Azure {@code FailoverGroupFailoverRequestOnPrimary}). */
        TARGET_IS_PRIMARY("FailoverGroupFailoverRequestOnPrimary"),
        /** A planned failover needs the primary, which does not answer. */
        PRIMARY_UNREACHABLE(null),
        /** The target is not a running, streaming secondary. */
        TARGET_NOT_READY(null),
        /** The secondary did not catch up in time (Azure {@code PlannedFailoverTimedOut}). */
        CATCH_UP_TIMED_OUT("PlannedFailoverTimedOut");

        private final String azureErrorCode;

        Reason(String azureErrorCode) {
            this.azureErrorCode = azureErrorCode;
        }

        /** Azure's error code for this refusal, or null where Azure has none. */
        public String azureErrorCode() {
            return azureErrorCode;
        }
    }

    private final Reason reason;

    protected FailoverRefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }

    /** The planned failover needs the primary, which cannot be reached. */
    public static FailoverRefusedException primaryUnreachable(String primary, Throwable cause) {
        return new FailoverRefusedException(
                Reason.PRIMARY_UNREACHABLE,
                String.format(
                        "planned failover refused: it must synchronise with the primary '%s' first, but that server "
                                + "is unreachable (%s); use a forced failover (forceFailoverAllowDataLoss), which may lose "
                                + "the writes not yet replicated",
                        primary, cause == null ? "not running" : cause.getMessage()),
                cause);
    }

    /** The target is not a running secondary that could become the primary. */
    public static FailoverRefusedException noSecondary(String target, String why) {
        return new FailoverRefusedException(
                Reason.TARGET_NOT_READY,
                target == null
                        ? "failover refused: the group has no secondary to promote (" + why + ")"
                        : String.format("failover refused: the secondary '%s' cannot be promoted: %s", target, why),
                null);
    }

    /** The secondary did not replay the primary's last write within the deadline; writes resumed. */
    public static FailoverRefusedException catchUpTimedOut(
            String secondary, Duration deadline, String lag, Throwable cause) {
        return new FailoverRefusedException(
                Reason.CATCH_UP_TIMED_OUT,
                String.format(
                        "planned failover refused: the secondary '%s' did not catch up within %s (%s); writes on the "
                                + "primary were resumed and nothing changed; retry, or use a forced failover",
                        secondary, deadline, lag),
                cause);
    }
}
