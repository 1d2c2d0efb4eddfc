package io.hadr.drill.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.drill.spec.TrafficKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtoTest {

    private static final long MS = 1_000_000L;
    private static final long FAULT = 10_000 * MS;
    private static final long SUSTAINED = 1_000 * MS;

    /** Requests every 100 ms from {@code fromMs} to {@code toMs}, failing where {@code fails} says. */
    private static List<Sample> timeline(long fromMs, long toMs, java.util.function.LongPredicate fails) {
        List<Sample> samples = new ArrayList<>();
        for (long t = fromMs; t < toMs; t += 100) {
            boolean failed = fails.test(t);
            samples.add(new Sample(
                    TrafficKind.READS,
                    t * MS,
                    (t + 5) * MS,
                    failed ? 503 : 200,
                    null,
                    failed ? null : "Central India",
                    null,
                    !failed));
        }
        return samples;
    }

    @Test
    void shouldBeZeroWhenNothingFailed() {
        Rto rto = Rto.compute(timeline(0, 20_000, t -> false), FAULT, Long.MAX_VALUE, SUSTAINED);

        assertThat(rto.rtoMs()).isZero();
        assertThat(rto.failedRequests()).isZero();
        assertThat(rto.firstFailureNanos()).isNull();
    }

    @Test
    void shouldMeasureFromTheFaultToTheStartOfTheFirstSustainedRun() {
        Rto rto = Rto.compute(timeline(0, 20_000, t -> t >= 10_000 && t < 13_200), FAULT, Long.MAX_VALUE, SUSTAINED);

        assertThat(rto.rtoMs()).isEqualTo(3_200);
        assertThat(rto.failedRequests()).isEqualTo(32);
        assertThat(rto.firstFailureNanos()).isEqualTo(10_005 * MS);
        assertThat(rto.recoveredNanos()).isEqualTo(13_200 * MS);
        assertThat(rto.steadyNanos()).isEqualTo(14_200 * MS);
    }

    @Test
    void shouldBeNullWhenServiceNeverCameBack() {
        Rto rto = Rto.compute(timeline(0, 20_000, t -> t >= 10_000), FAULT, Long.MAX_VALUE, SUSTAINED);

        assertThat(rto.rtoNanos()).isNull();
        assertThat(rto.recovered()).isFalse();
        assertThat(rto.failedRequests()).isEqualTo(100);
    }

    @Test
    void shouldNotCountShortRunsOfSuccessWhileFlapping() {
        // Fails 10.0–11.0 s, succeeds 11.0–11.5 s (too short), fails to 12.0 s, then holds.
        Rto rto = Rto.compute(
                timeline(0, 20_000, t -> (t >= 10_000 && t < 11_000) || (t >= 11_500 && t < 12_000)),
                FAULT,
                Long.MAX_VALUE,
                SUSTAINED);

        assertThat(rto.rtoMs()).isEqualTo(2_000);
        assertThat(rto.firstSuccessNanos()).isEqualTo(11_000 * MS);
        assertThat(rto.failedRequests()).isEqualTo(15);
    }

    @Test
    void shouldIgnoreFailuresThatEndedBeforeTheFault() {
        Rto rto = Rto.compute(timeline(0, 20_000, t -> t >= 3_000 && t < 4_000), FAULT, Long.MAX_VALUE, SUSTAINED);

        assertThat(rto.rtoMs()).isZero();
    }

    @Test
    void shouldCountARequestInFlightAtTheFaultThatFailedAfterIt() {
        List<Sample> samples = new ArrayList<>(timeline(0, 20_000, t -> t >= 10_000 && t < 10_500));
        // Sent 9.95 s, failed at 10.2 s: the fault cut it.
        samples.add(new Sample(TrafficKind.READS, 9_950 * MS, 10_200 * MS, 0, "connection error", null, null, false));

        Rto rto = Rto.compute(samples, FAULT, Long.MAX_VALUE, SUSTAINED);

        assertThat(rto.firstFailureNanos())
                .as("seen when the first failure arrived")
                .isEqualTo(10_005 * MS);
        assertThat(rto.rtoMs()).isEqualTo(500);
        assertThat(rto.failedRequests()).isEqualTo(6);
    }

    @Test
    void shouldNotChargeAFaultWithTheNextFaultsFailures() {
        // First fault at 10 s costs nothing; a second fault at 15 s causes failures.
        Rto first = Rto.compute(timeline(0, 20_000, t -> t >= 15_000 && t < 16_000), FAULT, 15_000 * MS, SUSTAINED);
        Rto second = Rto.compute(
                timeline(0, 20_000, t -> t >= 15_000 && t < 16_000), 15_000 * MS, Long.MAX_VALUE, SUSTAINED);

        assertThat(first.rtoMs()).isZero();
        assertThat(second.rtoMs()).isEqualTo(1_000);
    }

    @Test
    void shouldNotRecoverOnARunShorterThanSustainedAtTheEndOfTraffic() {
        Rto rto = Rto.compute(timeline(0, 12_500, t -> t >= 10_000 && t < 12_000), FAULT, Long.MAX_VALUE, SUSTAINED);

        assertThat(rto.rtoNanos()).isNull();
        assertThat(rto.firstSuccessNanos()).isEqualTo(12_000 * MS);
    }
}
