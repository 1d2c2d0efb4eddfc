package io.hadr.core.platform;

/** Azure SQL failover group actions: {@code failover}, {@code forceFailoverAllowDataLoss}, {@code tryPlannedBeforeForcedFailover}. */
public enum FailoverMode {
    /** Synchronises first: no data loss, needs the primary. */
    PLANNED("planned"),
    /** Switches at once; writes not yet replicated are lost; the old primary is fenced. */
    FORCED("forced"),
    /** Planned, falling back to forced when the primary cannot take part. */
    TRY_PLANNED("try-planned");

    private final String word;

    FailoverMode(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static FailoverMode fromWord(String word) {
        for (FailoverMode mode : values()) {
            if (mode.word.equals(word)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown failover mode '" + word + "'; use planned, forced or try-planned");
    }
}
