package io.hadr.azure.internal;

import java.time.Duration;

/** Durations in words for progress lines: {@code 850 ms}, {@code 12 s}, {@code 3 min 5 s}. */
public final class Durations {

    private Durations() {}

    public static String words(Duration duration) {
        long ms = duration.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = duration.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600 || s % 3600 != 0) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        long h = s / 3600;
        return h % 24 == 0 ? h / 24 + " d" : h + " h";
    }
}
