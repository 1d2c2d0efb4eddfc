package io.hadr.local;

import io.hadr.core.platform.PlatformException;

/**
 * Something the local environment could not do, explained for the person who asked: what failed,
 * why, and what to do about it. The message is one line meant to be printed as is.
 */
public class LocalEnvironmentException extends PlatformException {

    public LocalEnvironmentException(String message) {
        super(message);
    }

    public LocalEnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }

    public static LocalEnvironmentException alreadyRunning(StateDir stateDir, long pid) {
        return new LocalEnvironmentException("an environment is already running from " + stateDir.root() + " (pid "
                + pid + "); stop it with 'hadr down', or use another --state-dir");
    }

    static LocalEnvironmentException notRunning(StateDir stateDir) {
        return new LocalEnvironmentException("no environment is running from " + stateDir.root()
                + "; start one with 'hadr up' (or pass the --state-dir it was started with)");
    }
}
