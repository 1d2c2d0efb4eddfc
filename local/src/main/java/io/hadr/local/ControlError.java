package io.hadr.local;

import java.util.List;

/**
 * The control API's answer to a request it could not carry out, so that a client can tell bad
 * input from a refusal from a failure by type rather than by message text.
 *
 * @param code what kind of error it is
 * @param message one line for people
 * @param region for {@link Code#UNKNOWN_REGION}: the id asked for
 * @param regions for {@link Code#UNKNOWN_REGION}: the ids that exist
 */
public record ControlError(Code code, String message, String region, List<String> regions) {

    /** Kinds of errors, each with the HTTP status it travels with. */
    public enum Code {
        /** A missing or wrong token. */
        UNAUTHORIZED(401),
        /** No such operation. */
        NOT_FOUND(404),
        /** The operation exists, but not with this HTTP method. */
        METHOD_NOT_ALLOWED(405),
        /** A parameter or body the operation cannot accept. */
        BAD_REQUEST(400),
        /** A region the topology does not have. */
        UNKNOWN_REGION(404),
        /** The environment refused or could not do it (e.g. a planned failover without a primary). */
        REFUSED(409),
        /** A failover was declined because another one runs (Azure {@code FailoverGroupBusy}). */
        FAILOVER_GROUP_BUSY(409),
        /** A failover was declined because its target already is the primary (Azure {@code FailoverGroupFailoverRequestOnPrimary}). */
        FAILOVER_TARGET_IS_PRIMARY(409),
        /** Something broke inside the environment; its log says more. */
        FAILED(500);

        private final int httpStatus;

        Code(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    static ControlError of(Code code, String message) {
        return new ControlError(code, message, null, null);
    }
}
