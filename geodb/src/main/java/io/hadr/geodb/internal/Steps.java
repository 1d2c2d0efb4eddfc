package io.hadr.geodb.internal;

import io.hadr.geodb.FailoverPhase;
import io.hadr.geodb.FailoverReport;
import io.hadr.geodb.ProgressListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Times the steps of one long operation and reports each to the caller's progress listener as it completes. */
public final class Steps {

    private static final Logger LOG = LoggerFactory.getLogger(Steps.class);

    private final long start = System.nanoTime();
    private final List<FailoverReport.Phase> phases = new ArrayList<>();
    private final ProgressListener progress;

    public Steps(ProgressListener progress) {
        this.progress = progress == null ? ProgressListener.NONE : progress;
    }

    /** A failover phase completed: recorded for the report, and reported. */
    public void done(FailoverPhase phase) {
        Duration at = elapsed();
        phases.add(new FailoverReport.Phase(phase, at));
        report(phase.label(), at);
    }

    /** A step of another operation (start, bring-up) completed: only reported. */
    public void note(String step) {
        report(step, elapsed());
    }

    public List<FailoverReport.Phase> phases() {
        return List.copyOf(phases);
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void report(String step, Duration at) {
        LOG.info("{} {} ms", step, at.toMillis());
        try {
            progress.onStep(step, at);
        } catch (RuntimeException e) {
            LOG.warn("A progress listener failed: {}", e.toString());
        }
    }
}
