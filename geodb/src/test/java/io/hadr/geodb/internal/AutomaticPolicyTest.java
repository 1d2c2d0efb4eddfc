package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.geodb.ReadWriteEndpoint;
import io.hadr.toolkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The automatic policy after the grace period, on a test clock. No PostgreSQL. */
class AutomaticPolicyTest {

    private final MutableClock clock = new MutableClock();
    private final ReadWriteEndpoint automatic = ReadWriteEndpoint.automatic(Duration.ofMinutes(60));

    @Test
    void shouldForceAFailoverOnlyOnceTheOutageReachesTheGracePeriod() {
        Instant since = clock.instant();

        clock.advance(Duration.ofMinutes(60).minusSeconds(1));
        AutomaticPolicy.Action justBefore = AutomaticPolicy.decide(automatic, since, clock.instant(), true);
        clock.advance(Duration.ofSeconds(1));
        AutomaticPolicy.Action atGrace = AutomaticPolicy.decide(automatic, since, clock.instant(), true);

        assertThat(justBefore).isEqualTo(AutomaticPolicy.Action.WAIT);
        assertThat(atGrace).isEqualTo(AutomaticPolicy.Action.FAIL_OVER);
    }

    @Test
    void shouldNeverFailOverWithTheManualPolicyOrWhileThePrimaryAnswers() {
        Instant longAgo = clock.instant().minus(Duration.ofDays(1));

        assertThat(AutomaticPolicy.decide(ReadWriteEndpoint.manual(), longAgo, clock.instant(), true))
                .isEqualTo(AutomaticPolicy.Action.NONE);
        assertThat(AutomaticPolicy.decide(automatic, null, clock.instant(), true))
                .isEqualTo(AutomaticPolicy.Action.NONE);
    }

    @Test
    void shouldReportABlockedFailoverWhenThereIsNoSecondaryToPromote() {
        Instant since = clock.instant().minus(Duration.ofHours(2));

        assertThat(AutomaticPolicy.decide(automatic, since, clock.instant(), false))
                .isEqualTo(AutomaticPolicy.Action.BLOCKED);
    }
}
