package io.hadr.core.topology;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in a topology file: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * Parses {@code 90s}-style text or ISO-8601 ({@code PT90S}).
     *
     * @throws IllegalArgumentException with a message that shows how to write one
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        Matcher simple = SIMPLE.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a duration; write it like 500ms, 90s, 5m, 1h, 7d or PT5M");
    }

    /** Formats the way {@link #parse} reads it, choosing the largest exact unit: 90s, 5m, 1h, 7d, 1500ms. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis != 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
