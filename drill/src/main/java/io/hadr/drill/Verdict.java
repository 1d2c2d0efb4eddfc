package io.hadr.drill;

/** How a drill ended. */
public enum Verdict {
    /** Every step, expectation, steady-state probe and objective held. */
    PASS,
    /** The drill ran, and something did not hold: an objective, an expectation, a step, the steady state after. */
    FAIL,
    /** The drill was stopped: the steady state did not hold before the method, or a safeguard was crossed. */
    ABORTED,
    /** The platform cannot inject the drill's fault at all; nothing was done. */
    NOT_APPLICABLE;

    /** The process exit status a command should end with: 0 for PASS and NOT_APPLICABLE, else 1. */
    public int exitStatus() {
        return this == PASS || this == NOT_APPLICABLE ? 0 : 1;
    }
}
