package io.hadr.toolkit;

/** A wait passed its deadline (or was interrupted); the message says what was awaited and what was seen. */
public class DeadlineExceededException extends RuntimeException {

    public DeadlineExceededException(String message, Throwable lastCause) {
        super(message, lastCause);
    }
}
