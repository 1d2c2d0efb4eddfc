package io.hadr.frontdoor;

/** A front door could not do what it was asked; the message says what and why. */
public class FrontDoorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected FrontDoorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The front door could not start, e.g. because its port is taken. */
    public static FrontDoorException cannotStart(String host, int port, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new FrontDoorException("front door could not start on " + host + ":" + port + ": " + reason, cause);
    }
}
