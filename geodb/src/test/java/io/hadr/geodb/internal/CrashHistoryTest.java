package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.geodb.SelfHealing;
import io.hadr.toolkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Self-healing's backoff and give-up rule, on a test clock. No PostgreSQL. */
class CrashHistoryTest {

    private final MutableClock clock = new MutableClock();
    private final CrashHistory history = new CrashHistory(
            new SelfHealing(true, 3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30)));

    @Test
    void shouldRestartAfterABackoffThatDoublesWithEachCrashInTheWindow() {
        assertThat(history.crashed(clock.instant())).isEqualTo(CrashHistory.Decision.RESTART);
        assertThat(history.restartDue(clock.instant())).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(history.restartDue(clock.instant())).isTrue();
        history.restarting();

        clock.advance(Duration.ofSeconds(10));
        assertThat(history.crashed(clock.instant())).isEqualTo(CrashHistory.Decision.RESTART);
        assertThat(history.backoff()).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofMillis(1999));
        assertThat(history.restartDue(clock.instant())).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(history.restartDue(clock.instant())).isTrue();
        history.restarting();

        assertThat(history.restarts()).isEqualTo(2);
        assertThat(history.gaveUp()).isFalse();
    }

    @Test
    void shouldGiveUpOnAServerThatCrashesMoreOftenThanTheWindowAllows() {
        for (int i = 0; i < 3; i++) {
            assertThat(history.crashed(clock.instant())).isEqualTo(CrashHistory.Decision.RESTART);
            history.restarting();
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(history.crashed(clock.instant())).isEqualTo(CrashHistory.Decision.GIVE_UP);
        assertThat(history.gaveUp()).isTrue();
        assertThat(history.restartDue(clock.instant().plus(Duration.ofHours(1))))
                .isFalse();
        assertThat(history.restarts()).isEqualTo(3);
    }

    @Test
    void shouldForgetCrashesOlderThanTheWindowAndStartOverWhenBroughtUpByHand() {
        for (int i = 0; i < 3; i++) {
            history.crashed(clock.instant());
            history.restarting();
            clock.advance(Duration.ofMinutes(6));
        }
        // Only the last two crashes are within 10 minutes.
        assertThat(history.crashed(clock.instant())).isEqualTo(CrashHistory.Decision.RESTART);
        assertThat(history.recentCrashes()).isEqualTo(2);

        history.crashed(clock.instant());
        history.crashed(clock.instant());
        assertThat(history.gaveUp()).isTrue();
        history.reset();

        assertThat(history.gaveUp()).isFalse();
        assertThat(history.crashed(clock.instant())).isEqualTo(CrashHistory.Decision.RESTART);
        assertThat(history.backoff()).isEqualTo(Duration.ofSeconds(1));
    }
}
