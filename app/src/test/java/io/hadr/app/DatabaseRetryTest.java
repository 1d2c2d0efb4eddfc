package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseRetryTest {

    /** Time that moves only when the code under test sleeps or an attempt says it took time. */
    private static final class TestClock implements DatabaseRetry.Clock {
        long now;
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            now += duration.toNanos();
        }
    }

    private final TestClock clock = new TestClock();
    private final DatabaseRetry retry =
            new DatabaseRetry(Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(500), clock);
    private final List<Integer> renewals = new ArrayList<>();

    @Test
    void retriesARoleSwitchFailureUntilTheAttemptSucceeds() {
        int[] attempts = {0};

        String result = retry.run(
                () -> {
                    if (++attempts[0] < 4) {
                        throw new IllegalStateException("cut");
                    }
                    return "stored";
                },
                e -> true,
                (e, attempt) -> renewals.add(attempt),
                () -> true);

        assertThat(result).isEqualTo("stored");
        assertThat(attempts[0]).isEqualTo(4);
        assertThat(clock.sleeps).containsExactly(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80));
        assertThat(renewals).containsExactly(1, 2, 3);
    }

    @Test
    void givesUpOnceTheWaitIsSpentWithTheLastFailure() {
        IllegalStateException cut = new IllegalStateException("cut");

        assertThatThrownBy(() -> retry.run(
                        () -> {
                            clock.now += Duration.ofMillis(300).toNanos();
                            throw cut;
                        },
                        e -> true,
                        (e, attempt) -> {},
                        () -> true))
                .isInstanceOfSatisfying(DatabaseRetry.GaveUpException.class, e -> {
                    assertThat(e.last()).isSameAs(cut);
                    assertThat(e.reason).isEqualTo(DatabaseRetry.Reason.WAIT_SPENT);
                    assertThat(e.elapsed)
                            .isGreaterThanOrEqualTo(Duration.ofSeconds(10))
                            .isLessThanOrEqualTo(Duration.ofMillis(10_300));
                });
        assertThat(clock.sleeps).allSatisfy(pause -> assertThat(pause).isLessThanOrEqualTo(Duration.ofMillis(500)));
    }

    @Test
    void neverRetriesAFailureThatIsNotWorthIt() {
        int[] attempts = {0};

        assertThatThrownBy(() -> retry.run(
                        () -> {
                            attempts[0]++;
                            throw new IllegalArgumentException("conflict");
                        },
                        e -> e instanceof IllegalStateException,
                        (e, attempt) -> renewals.add(attempt),
                        () -> true))
                .isInstanceOfSatisfying(
                        DatabaseRetry.GaveUpException.class,
                        e -> assertThat(e.reason).isEqualTo(DatabaseRetry.Reason.NOT_RETRYABLE));
        assertThat(attempts[0]).isEqualTo(1);
        assertThat(renewals).isEmpty();
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void stopsWaitingAsSoonAsTheCallerSaysItIsPointlessButAlwaysTriesOnce() {
        int[] attempts = {0};
        int[] asked = {0};

        assertThatThrownBy(() -> retry.run(
                        () -> {
                            attempts[0]++;
                            throw new IllegalStateException("refused");
                        },
                        e -> true,
                        (e, attempt) -> {},
                        () -> ++asked[0] < 3))
                .isInstanceOfSatisfying(
                        DatabaseRetry.GaveUpException.class,
                        e -> assertThat(e.reason).isEqualTo(DatabaseRetry.Reason.NOT_WORTH_WAITING));
        assertThat(attempts[0]).isEqualTo(3);
    }

    @Test
    void theLastPauseNeverOvershootsTheWait() {
        DatabaseRetry shortWait =
                new DatabaseRetry(Duration.ofMillis(50), Duration.ofMillis(40), Duration.ofMillis(500), clock);

        assertThatThrownBy(() -> shortWait.run(
                        () -> {
                            throw new IllegalStateException("cut");
                        },
                        e -> true,
                        (e, attempt) -> {},
                        () -> true))
                .isInstanceOf(DatabaseRetry.GaveUpException.class);
        assertThat(clock.sleeps).containsExactly(Duration.ofMillis(40), Duration.ofMillis(10));
    }

    @Test
    void rejectsNegativeWaitsWithTheValue() {
        assertThatThrownBy(() ->
                        new DatabaseRetry(Duration.ofMillis(-1), Duration.ofMillis(20), Duration.ofMillis(500), clock))
                .hasMessage("the retry wait must be 0 or more, but was -1 ms");
    }
}
