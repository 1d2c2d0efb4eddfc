package io.hadr.frontdoor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthWindowTest {

    private static final Duration MS_10 = Duration.ofMillis(10);

    @Test
    void shouldBeUnhealthyWhileEmpty() {
        HealthWindow window = new HealthWindow(4, 3);

        assertThat(window.isEmpty()).isTrue();
        assertThat(window.isHealthy()).isFalse();
        assertThat(window.results()).isEmpty();
    }

    @Test
    void shouldFillTheWholeWindowWithTheFirstResult() {
        HealthWindow up = new HealthWindow(4, 3);
        HealthWindow down = new HealthWindow(4, 3);

        up.seed(true, MS_10);
        down.seed(false, MS_10);

        assertThat(up.results()).containsExactly(true, true, true, true);
        assertThat(up.isHealthy()).isTrue();
        assertThat(down.results()).containsExactly(false, false, false, false);
        assertThat(down.isHealthy()).isFalse();
    }

    @Test
    void shouldTurnUnhealthyAfterSampleSizeMinusRequiredPlusOneFailures() {
        HealthWindow window = new HealthWindow(4, 3);
        window.seed(true, MS_10);

        window.record(false, MS_10);
        boolean afterOneFailure = window.isHealthy();
        window.record(false, MS_10);

        assertThat(afterOneFailure).isTrue();
        assertThat(window.isHealthy()).isFalse();
        assertThat(window.results()).containsExactly(true, true, false, false);
        assertThat(window.describe()).isEqualTo("✓✓✗✗ (2 of last 4 succeeded, 3 required)");
    }

    @Test
    void shouldTurnHealthyAgainAfterRequiredSuccesses() {
        HealthWindow window = new HealthWindow(4, 3);
        window.seed(false, MS_10);

        window.record(true, MS_10);
        window.record(true, MS_10);
        boolean afterTwo = window.isHealthy();
        window.record(true, MS_10);

        assertThat(afterTwo).isFalse();
        assertThat(window.isHealthy()).isTrue();
        assertThat(window.results()).containsExactly(false, true, true, true);
    }

    @Test
    void shouldSlideOverOnlyTheLastSampleSizeResults() {
        HealthWindow window = new HealthWindow(3, 2);
        window.seed(true, MS_10);

        for (int i = 0; i < 10; i++) {
            window.record(i % 2 == 0, MS_10);
        }

        // last three recorded: i=7 (false), i=8 (true), i=9 (false)
        assertThat(window.results()).containsExactly(false, true, false);
        assertThat(window.successes()).isEqualTo(1);
        assertThat(window.isHealthy()).isFalse();
    }

    @Test
    void shouldAverageLatencyOfSuccessfulProbesOnly() {
        HealthWindow window = new HealthWindow(4, 1);
        window.seed(false, Duration.ofMillis(900));

        window.record(true, Duration.ofMillis(10));
        window.record(false, Duration.ofMillis(5000));
        window.record(true, Duration.ofMillis(30));

        assertThat(window.meanSuccessfulLatency()).contains(Duration.ofMillis(20));
    }

    @Test
    void shouldCountZeroRequiredSamplesAsAlwaysHealthy() {
        HealthWindow window = new HealthWindow(2, 0);

        window.seed(false, MS_10);

        assertThat(window.isHealthy()).isTrue();
        assertThat(window.meanSuccessfulLatency()).isEmpty();
    }

    @Test
    void shouldRejectMoreRequiredThanSamples() {
        assertThatThrownBy(() -> new HealthWindow(2, 3))
                .hasMessage("successfulSamplesRequired must be between 0 and 2, but was 3");
    }
}
