package io.hadr.drill.engine;

import io.hadr.drill.spec.Step;

/** What became of one step while the drill ran. Written by the method's thread, read after it ended. */
final class StepRecord {

    enum Status {
        PENDING("pending"),
        DONE("done"),
        FAILED("failed"),
        ABORTED("aborted"),
        NOT_APPLICABLE("not applicable"),
        SKIPPED("skipped");

        final String word;

        Status(String word) {
            this.word = word;
        }
    }

    final Step step;
    final int number;
    /** Why the platform cannot do it, or null when it can. */
    final String notApplicable;
    /** Why the step is not for this strategy, or null when it is. */
    final String otherStrategy;

    volatile Status status = Status.PENDING;
    volatile long startNanos;
    volatile long endNanos;
    volatile String detail;

    StepRecord(Step step, int number, String notApplicable, String otherStrategy) {
        this.step = step;
        this.number = number;
        this.notApplicable = notApplicable;
        this.otherStrategy = otherStrategy;
    }

    boolean ran() {
        return status == Status.DONE || status == Status.FAILED || status == Status.ABORTED;
    }
}
