package io.hadr.geodb.internal;

import io.hadr.geodb.IllegalTransitionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;

/**
 * A state held in an {@link AtomicReference} that moves only along a transition table, with a
 * callback on every move (resilience4j's circuit breaker state machine, reduced to its core).
 */
public final class StateMachine<S extends Enum<S>> {

    /** Called after every transition. */
    @FunctionalInterface
    public interface TransitionListener<S> {
        void onTransition(String subject, S from, S to, String reason);
    }

    private final String subject;
    private final AtomicReference<S> state;
    private final BiPredicate<S, S> allowed;
    private final TransitionListener<S> listener;

    public StateMachine(String subject, S initial, BiPredicate<S, S> allowed, TransitionListener<S> listener) {
        this.subject = subject;
        this.state = new AtomicReference<>(initial);
        this.allowed = allowed;
        this.listener = listener;
    }

    public S get() {
        return state.get();
    }

    /**
     * Moves to {@code to}.
     *
     * @throws IllegalTransitionException when the table forbids the move from the current state
     */
    public void moveTo(S to, String reason) {
        S from;
        do {
            from = state.get();
            if (!allowed.test(from, to)) {
                throw IllegalTransitionException.of(subject, from, to);
            }
        } while (!state.compareAndSet(from, to));
        listener.onTransition(subject, from, to, reason);
    }

    /** Moves to {@code to} only if the state is {@code expected}; returns whether it moved. */
    public boolean moveIf(S expected, S to, String reason) {
        if (!allowed.test(expected, to)) {
            throw IllegalTransitionException.of(subject, expected, to);
        }
        if (state.compareAndSet(expected, to)) {
            listener.onTransition(subject, expected, to, reason);
            return true;
        }
        return false;
    }
}
