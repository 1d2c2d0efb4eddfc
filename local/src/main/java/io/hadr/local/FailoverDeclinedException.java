package io.hadr.local;

/**
 * A failover the failover group declined at once, without changing anything, for a reason a
 * caller handles on its own (the CLI gives each its exit status): another failover runs, or the
 * target already is the primary. Other refusals are plain {@link LocalEnvironmentException}s.
 */
public final class FailoverDeclinedException extends LocalEnvironmentException {

    /** Why, with Azure's error code for it. */
    public enum Reason {
        /** Another failover runs; ask again once it is done (Azure {@code FailoverGroupBusy}). */
        BUSY("FailoverGroupBusy"),
        /** The target already is the primary: nothing to do (Azure {@code FailoverGroupFailoverRequestOnPrimary}). */
        TARGET_IS_PRIMARY("FailoverGroupFailoverRequestOnPrimary");

        private final String azureErrorCode;

        Reason(String azureErrorCode) {
            this.azureErrorCode = azureErrorCode;
        }

        public String azureErrorCode() {
            return azureErrorCode;
        }
    }

    private final Reason reason;

    public FailoverDeclinedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public FailoverDeclinedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
