package io.hadr.geodb;

/**
 * A failover named a target that already is the primary: there is nothing to do, and nothing
 * was changed. Azure refuses such a request with {@code FailoverGroupFailoverRequestOnPrimary}
 * (a failover is sent to the server that is to become primary). A command line may report it as
 * "nothing to do" with an exit status of its own.
 */
public final class FailoverTargetIsPrimaryException extends FailoverRefusedException {

    private static final long serialVersionUID = 1L;

    private final String target;

    private FailoverTargetIsPrimaryException(String target, String message) {
        super(Reason.TARGET_IS_PRIMARY, message, null);
        this.target = target;
    }

    public static FailoverTargetIsPrimaryException of(String target) {
        return new FailoverTargetIsPrimaryException(
                target,
                "failover refused: '" + target + "' already is the "
                        + "primary, so there is nothing to do (Azure: FailoverGroupFailoverRequestOnPrimary); a failover "
                        + "names the server that is to become primary");
    }

    /** The server the request wanted as primary, which already is. */
    public String target() {
        return target;
    }
}
