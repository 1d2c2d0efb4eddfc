package io.hadr.drill.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.drill.spec.TrafficKind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RpoTest {

    private static final long MS = 1_000_000L;

    private static Sample write(String id, long sentMs, long answeredMs, boolean acknowledged) {
        return new Sample(
                TrafficKind.WRITES,
                sentMs * MS,
                answeredMs * MS,
                acknowledged ? 201 : 503,
                null,
                "Central India",
                id,
                acknowledged);
    }

    @Test
    void shouldCountExactlyTheAcknowledgedWritesThatAreAbsent() {
        List<Sample> writes = List.of(
                write("w-1", 0, 10, true),
                write("w-2", 100, 110, true),
                write("w-3", 200, 210, true),
                write("w-4", 300, 310, true),
                write("w-5", 400, 410, false),
                write("w-6", 500, 510, false));
        Set<String> present = Set.of("w-1", "w-2", "w-5");

        Rpo rpo = Rpo.count(writes, present, List.of(1_000 * MS));

        assertThat(rpo.lostIds()).containsExactly("w-3", "w-4");
        assertThat(rpo.inDoubtIds()).containsExactly("w-5");
        assertThat(rpo.acknowledged()).isEqualTo(4);
        assertThat(rpo.present()).isEqualTo(3);
        assertThat(rpo.lostSpanMs()).isEqualTo(1_000 - 210);
        assertThat(rpo.oldestLostAckNanos()).isEqualTo(210 * MS);
    }

    @Test
    void shouldReportNoLossAndZeroSpanWhenEverythingIsThere() {
        List<Sample> writes = List.of(write("w-1", 0, 10, true), write("w-2", 100, 110, false));

        Rpo rpo = Rpo.count(writes, Set.of("w-1"), List.of(50 * MS));

        assertThat(rpo.lost()).isZero();
        assertThat(rpo.lostSpanNanos()).isZero();
        assertThat(rpo.inDoubt()).isZero();
    }

    @Test
    void shouldStretchTheSpanToLostWritesAcknowledgedAfterTheFault() {
        List<Sample> writes = List.of(write("w-1", 0, 900, true), write("w-2", 1_100, 1_500, true));

        Rpo rpo = Rpo.count(writes, Set.of(), List.of(1_000 * MS));

        assertThat(rpo.lostIds()).containsExactly("w-1", "w-2");
        assertThat(rpo.lostSpanMs()).isEqualTo(600);
        assertThat(rpo.lowerBound())
                .as("even the first write is gone: older data may be too")
                .isTrue();
    }

    @Test
    void shouldTakeTheSpanAsExactOnlyWhenAWriteBeforeTheLostOnesSurvived() {
        List<Sample> writes =
                List.of(write("w-1", 0, 10, true), write("w-2", 100, 110, true), write("w-3", 200, 210, true));

        Rpo partly = Rpo.count(writes, Set.of("w-1"), List.of(300 * MS));
        Rpo all = Rpo.count(writes, Set.of(), List.of(300 * MS));

        assertThat(partly.lowerBound()).isFalse();
        assertThat(partly.lostSpanMs()).isEqualTo(300 - 110);
        assertThat(all.lowerBound()).isTrue();
        assertThat(all.lostSpanMs()).isEqualTo(300 - 10);
    }

    @Test
    void shouldCountRecordsNoRequestMadeAsForeign() {
        Rpo rpo = Rpo.count(List.of(write("w-1", 0, 10, true)), Set.of("w-1", "w-99"), List.of());

        assertThat(rpo.foreign()).isEqualTo(1);
        assertThat(rpo.lost()).isZero();
    }
}
