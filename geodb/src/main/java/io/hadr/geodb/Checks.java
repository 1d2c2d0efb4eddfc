package io.hadr.geodb;

import java.time.Duration;
import java.util.Objects;

/** The range checks of the config records, with the value in every message. */
final class Checks {

    private Checks() {}

    static Duration between(String what, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static int between(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static int port(String what, int port) {
        if (port != 0 && (port < 1024 || port > 65535)) {
            throw new IllegalArgumentException(what + " must be 0 (any free port) or between 1024 and 65535, but was "
                    + port);
        }
        return port;
    }
}
