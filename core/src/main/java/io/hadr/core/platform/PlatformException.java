package io.hadr.core.platform;

/** A platform operation failed; the message is one sentence for people. */
public class PlatformException extends RuntimeException {

    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
