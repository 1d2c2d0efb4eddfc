package io.hadr.drill.spec;

import java.util.Locale;

/** The two kinds of drill traffic, measured separately: reads ({@code GET /}) and writes ({@code POST /api/records}). */
public enum TrafficKind {
    READS,
    WRITES;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
