package io.hadr.geodb;

/**
 * A failover was requested while another one runs, and was refused at once without waiting:
 * Azure answers {@code FailoverGroupBusy} (409). Two operators who ask together are told which
 * one won, instead of both moving the primary (and the second moving it back).
 */
public final class FailoverGroupBusyException extends FailoverRefusedException {

    private static final long serialVersionUID = 1L;

    private final String running;

    private FailoverGroupBusyException(String running, String message) {
        super(Reason.BUSY, message, null);
        this.running = running;
    }

    /** @param running the failover in progress, in words, e.g. {@code "planned failover to 'southindia'"} */
    public static FailoverGroupBusyException of(String running) {
        return new FailoverGroupBusyException(
                running,
                "failover refused: the failover group is busy with another "
                        + running + " (Azure: FailoverGroupBusy); wait until it is done, then check the status before "
                        + "asking again");
    }

    /** The failover in progress, in words. */
    public String running() {
        return running;
    }
}
