package io.hadr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.toolkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CrashHistoryTest {

    private final HealingPolicy policy =
            new HealingPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 4, Duration.ofMinutes(5));
    private final MutableClock clock = new MutableClock();
    private final CrashHistory history = new CrashHistory(policy);

    @Test
    void shouldBackOffDoublingUpToTheMaximum() {
        assertThat(history.crashed(clock.instant())).contains(Duration.ofSeconds(1));
        assertThat(history.status(clock.instant()).nextRestartAt())
                .isEqualTo(clock.instant().plusSeconds(1));
        clock.advance(Duration.ofSeconds(10));
        assertThat(history.crashed(clock.instant())).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(10));
        assertThat(history.crashed(clock.instant())).contains(Duration.ofSeconds(4));
        assertThat(policy.backoff(10)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldGiveUpAtTheMaximumCrashesWithinTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertThat(history.crashed(clock.instant())).isPresent();
            clock.advance(Duration.ofSeconds(30));
        }

        assertThat(history.crashed(clock.instant())).isEmpty();

        assertThat(history.gaveUp()).isTrue();
        assertThat(history.status(clock.instant()).recentCrashes()).isEqualTo(4);
        assertThat(history.status(clock.instant()).nextRestartAt()).isNull();
        clock.advance(Duration.ofHours(1));
        assertThat(history.status(clock.instant()).gaveUp())
                .as("given up until an operator acts")
                .isTrue();
    }

    @Test
    void shouldForgetCrashesOlderThanTheWindow() {
        for (int i = 0; i < 3; i++) {
            history.crashed(clock.instant());
            clock.advance(Duration.ofMinutes(3));
        }

        assertThat(history.crashed(clock.instant()))
                .as("only two crashes are within five minutes")
                .isPresent();
        assertThat(history.status(clock.instant()).recentCrashes()).isEqualTo(2);
    }

    @Test
    void shouldStartCountingAgainWhenAnOperatorActs() {
        for (int i = 0; i < 4; i++) {
            history.crashed(clock.instant());
        }

        history.reset();

        assertThat(history.gaveUp()).isFalse();
        assertThat(history.crashed(clock.instant())).contains(Duration.ofSeconds(1));
    }

    @Test
    void shouldRefuseAPolicyThatCannotWork() {
        assertThatThrownBy(() -> new HealingPolicy(Duration.ZERO, Duration.ofSeconds(1), 3, Duration.ofMinutes(1)))
                .hasMessage("firstBackoff must be positive, but was PT0S");
        assertThatThrownBy(
                        () -> new HealingPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ofMinutes(1)))
                .hasMessage("maxCrashes must be at least 1, but was 0");
    }
}
