package io.hadr.geodb;

/**
 * A server or the group was asked to move to a role or state that its transition table forbids,
 * for example a fenced server to become primary. This is a programming or operator error, never retried.
 */
public class IllegalTransitionException extends GeoDbException {

    private static final long serialVersionUID = 1L;

    private IllegalTransitionException(String message) {
        super(message);
    }

    /** Builds the exception for {@code subject} moving from {@code from} to {@code to}. */
    public static IllegalTransitionException of(String subject, Enum<?> from, Enum<?> to) {
        return new IllegalTransitionException(String.format(
                "%s cannot move from %s to %s (%s %s allows only %s)",
                subject, from, to, from.getDeclaringClass().getSimpleName(), from, allowed(from)));
    }

    private static String allowed(Enum<?> from) {
        if (from instanceof ServerRole role) {
            return role.allowedNext().toString();
        }
        if (from instanceof ServerState state) {
            return state.allowedNext().toString();
        }
        if (from instanceof GroupState group) {
            return group.allowedNext().toString();
        }
        return "?";
    }
}
