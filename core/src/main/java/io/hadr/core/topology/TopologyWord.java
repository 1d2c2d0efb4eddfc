package io.hadr.core.topology;

import java.util.Locale;

/**
 * An enum whose constants are written in topology files and output as lowercase words with
 * dashes: {@code ACTIVE_PASSIVE} is {@code active-passive}.
 */
interface TopologyWord {

    String name();

    /** The word used in topology files and output. */
    default String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
