package io.hadr.frontdoor.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks whose messages name the setting, the value and what is allowed, so that a
 * person reading the error knows what to change ({@code "sampleSize must be between 1 and 255, but
 * was 0"}).
 */
public final class Checks {

    private Checks() {}

    public static int between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    public static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, () -> name + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + human(value));
        }
        return value;
    }

    public static Duration notNegative(String name, Duration value) {
        Objects.requireNonNull(value, () -> name + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, but was " + human(value));
        }
        return value;
    }

    public static Duration between(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, () -> name + " must not be null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    name + " must be between " + human(min) + " and " + human(max) + ", but was " + human(value));
        }
        return value;
    }

    public static String notBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, but was " + quote(value));
        }
        return value;
    }

    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    public static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    /** A duration the way people write it: {@code 250 ms}, {@code 30 s}, {@code 1.5 s}, {@code 2 min}. */
    public static String human(Duration duration) {
        if (duration == null) {
            return "null";
        }
        long millis = duration.toMillis();
        if (duration.isNegative()) {
            return "-" + human(duration.negated());
        }
        if (millis == 0 && !duration.isZero()) {
            return duration.toNanos() / 1000 + " µs";
        }
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis % 60_000 == 0 && millis >= 600_000) {
            return millis / 60_000 + " min";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0).replaceAll("0+ s$", " s");
    }
}
