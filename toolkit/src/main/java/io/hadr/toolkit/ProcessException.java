package io.hadr.toolkit;

/** A child process could not be started, failed, or outlived its deadline. */
public class ProcessException extends RuntimeException {

    private final Integer exitCode;
    private final String output;

    public ProcessException(String message, Integer exitCode, String output, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.output = output;
    }

    /** The exit code when the program ran to its end, else null. */
    public Integer exitCode() {
        return exitCode;
    }

    /** What the program printed (stdout and stderr), or null when it did not run. */
    public String output() {
        return output;
    }
}
