package io.hadr.local;

/** The control API refused a request's parameters or body: the caller's input was wrong, not the environment. */
public final class BadControlRequestException extends LocalEnvironmentException {

    public BadControlRequestException(String message) {
        super(message);
    }
}
