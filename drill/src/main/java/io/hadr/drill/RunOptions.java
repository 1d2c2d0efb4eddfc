package io.hadr.drill;

import io.hadr.core.topology.Durations;
import io.hadr.drill.measure.TimeSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a drill: where the reports go, objective overrides, progress, clocks. Immutable;
 * made with {@link #builder()}, whose setters reject bad values with the value in the message.
 *
 * @param reportDir where report.json, report.md, report.html and junit.xml go; null for
 *     {@code .hadr/reports/<timestamp>/} under the working directory
 * @param dryRun validate and print the plan, touch nothing
 * @param objectives overrides of the objectives by name ({@code rto}, {@code rpo})
 * @param statusInterval how often the platform's status is sampled (to time detection and failover)
 * @param progressInterval how often a traffic line is reported while the drill runs
 * @param maxDuration the drill is aborted (and rolled back) when it runs longer, whatever its own safeguards say
 * @param hadrVersion the version written into reports; null for this module's own
 * @param planInProgress whether a run starts by sending its plan to {@code progress} (a command running
 *     several drills in a row shows only what happens)
 */
public record RunOptions(
        Path reportDir,
        boolean dryRun,
        Map<String, Duration> objectives,
        ProgressListener progress,
        TimeSource time,
        Duration statusInterval,
        Duration progressInterval,
        Duration maxDuration,
        String hadrVersion,
        boolean planInProgress) {

    public RunOptions {
        objectives = Map.copyOf(objectives);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default report directory for a run that starts now: {@code .hadr/reports/20260301-101530/}. */
    public static Path defaultReportDir(Instant now) {
        return Path.of(
                ".hadr",
                "reports",
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(now));
    }

    /** Builds {@link RunOptions}. */
    public static final class Builder {
        private Path reportDir;
        private boolean dryRun;
        private final Map<String, Duration> objectives = new LinkedHashMap<>();
        private ProgressListener progress = ProgressListener.SILENT;
        private TimeSource time = TimeSource.system();
        private Duration statusInterval = Duration.ofMillis(500);
        private Duration progressInterval = Duration.ofSeconds(2);
        private Duration maxDuration = Duration.ofMinutes(30);
        private String hadrVersion;
        private boolean planInProgress = true;

        public Builder reportDir(Path dir) {
            this.reportDir = dir;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** Overrides an objective: {@code rto} or {@code rpo}. */
        public Builder objective(String name, Duration target) {
            if (!name.equals("rto") && !name.equals("rpo")) {
                throw new IllegalArgumentException("unknown objective '" + name + "'; the objectives are rto and rpo");
            }
            if (target.isNegative()) {
                throw new IllegalArgumentException("objective " + name + " cannot be negative, but was " + target);
            }
            objectives.put(name, target);
            return this;
        }

        /** Overrides an objective written as {@code rto=30s}. */
        public Builder objective(String assignment) {
            int eq = assignment.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(
                        "'" + assignment + "' is not an objective; write it like rto=30s or rpo=5s");
            }
            return objective(assignment.substring(0, eq).trim(), Durations.parse(assignment.substring(eq + 1)));
        }

        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        public Builder time(TimeSource time) {
            this.time = Objects.requireNonNull(time);
            return this;
        }

        public Builder statusInterval(Duration interval) {
            this.statusInterval = positive("statusInterval", interval);
            return this;
        }

        public Builder progressInterval(Duration interval) {
            this.progressInterval = positive("progressInterval", interval);
            return this;
        }

        public Builder maxDuration(Duration max) {
            this.maxDuration = positive("maxDuration", max);
            return this;
        }

        public Builder hadrVersion(String version) {
            this.hadrVersion = version;
            return this;
        }

        public Builder planInProgress(boolean show) {
            this.planInProgress = show;
            return this;
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be longer than 0s, but was " + value);
            }
            return value;
        }

        public RunOptions build() {
            return new RunOptions(
                    reportDir,
                    dryRun,
                    objectives,
                    progress,
                    time,
                    statusInterval,
                    progressInterval,
                    maxDuration,
                    hadrVersion,
                    planInProgress);
        }
    }
}
