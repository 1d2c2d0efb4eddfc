package io.hadr.core.platform;

import java.util.Locale;

/** What can be done to a region's app: App Service's site actions, and a crash. */
public enum AppAction {
    STOP,
    START,
    RESTART,
    /** SIGKILL locally; an instance crash. */
    KILL;

    /** The word used on the command line and in drill files: {@code stop}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action for a word, or an {@link IllegalArgumentException} naming the allowed words. */
    public static AppAction fromWord(String word) {
        for (AppAction action : values()) {
            if (action.word().equals(word)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown app action '" + word + "'; use stop, start, restart or kill");
    }
}
