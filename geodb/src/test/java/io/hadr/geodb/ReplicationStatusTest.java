package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplicationStatusTest {

    @Test
    void shouldReportNoLagWhenEverythingIsReplayed() {
        assertThat(status(true, 0L, Duration.ofMillis(5), Duration.ofSeconds(30))
                        .lagMillis())
                .isZero();
    }

    @Test
    void shouldReportTheReplayLagOfAnAnsweringSecondary() {
        assertThat(status(true, 100L, Duration.ofMillis(12), Duration.ofMillis(300))
                        .lagMillis())
                .isEqualTo(12);
    }

    @Test
    void shouldReportTheSilenceOfAConnectedSecondaryThatStoppedAnswering() {
        // A cut link: the connection has not timed out, its replay_lag is stale.
        assertThat(status(true, 100L, Duration.ofMillis(12), Duration.ofMillis(4500))
                        .lagMillis())
                .isEqualTo(4500);
    }

    @Test
    void shouldReportTheTimeSinceTheLastReplyOfADisconnectedSecondary() {
        assertThat(status(false, 100L, null, Duration.ofMillis(800)).lagMillis())
                .isEqualTo(800);
    }

    @Test
    void shouldNotKnowTheLagWhenThePrimaryCannotBeAsked() {
        assertThat(status(false, null, null, null).lagMillis()).isNull();
    }

    private static ReplicationStatus status(
            boolean connected, Long lagBytes, Duration replayLag, Duration sinceLastReply) {
        return new ReplicationStatus(
                "centralindia",
                "southindia",
                connected,
                connected ? "streaming" : null,
                "0/3000000",
                null,
                null,
                null,
                null,
                lagBytes,
                null,
                null,
                replayLag,
                sinceLastReply == null ? null : Instant.EPOCH,
                sinceLastReply);
    }
}
