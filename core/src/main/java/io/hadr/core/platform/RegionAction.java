package io.hadr.core.platform;

import java.util.Locale;

/** A whole region going away (apps and database server die at once) or coming back. */
public enum RegionAction {
    DOWN,
    UP;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RegionAction fromWord(String word) {
        for (RegionAction action : values()) {
            if (action.word().equals(word)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown region action '" + word + "'; use down or up");
    }
}
