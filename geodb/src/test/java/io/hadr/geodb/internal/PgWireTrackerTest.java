package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgWireTrackerTest {

    private final PgWireTracker tracker = new PgWireTracker();

    private void client(byte[] bytes) {
        tracker.client(bytes, 0, bytes.length);
    }

    private void server(byte[] bytes) {
        tracker.server(bytes, 0, bytes.length);
    }

    private void connect() {
        client(PgWire.sslRequest());
        server(new byte[] {'N'});
        client(PgWire.startup());
        server(PgWire.concat(PgWire.authOk(), PgWire.ready('I')));
    }

    @Test
    void shouldBeIdleOnlyOnceEveryRequestIsAnsweredOutsideATransaction() {
        assertThat(tracker.idle()).isFalse();
        connect();
        assertThat(tracker.idle()).isTrue();

        client(PgWire.query("BEGIN"));
        assertThat(tracker.idle()).isFalse();
        server(PgWire.concat(PgWire.commandComplete("BEGIN"), PgWire.ready('T')));
        assertThat(tracker.idle()).as("inside a transaction").isFalse();
        client(PgWire.query("INSERT INTO t VALUES (1)"));
        server(PgWire.concat(PgWire.commandComplete("INSERT 0 1"), PgWire.ready('T')));
        client(PgWire.query("COMMIT"));
        assertThat(tracker.idle()).isFalse();
        server(PgWire.concat(PgWire.commandComplete("COMMIT"), PgWire.ready('I')));

        assertThat(tracker.idle()).isTrue();
    }

    @Test
    void shouldCountOneAnswerPerSyncOfTheExtendedProtocolAndFollowMessagesSplitAnywhere() {
        connect();
        byte[] request = PgWire.concat(PgWire.parseBindExecuteSync(), PgWire.parseBindExecuteSync());
        byte[] answers = PgWire.concat(
                PgWire.commandComplete("INSERT 0 1"),
                PgWire.ready('I'),
                PgWire.commandComplete("INSERT 0 1"),
                PgWire.ready('I'));

        for (byte b : request) {
            tracker.client(new byte[] {b}, 0, 1);
        }
        tracker.server(answers, 0, 9);
        boolean idleAfterFirstAnswerPart = tracker.idle();
        int firstAnswer = PgWire.commandComplete("INSERT 0 1").length + PgWire.ready('I').length;
        tracker.server(answers, 9, firstAnswer - 9);
        boolean idleAfterFirstAnswer = tracker.idle();
        tracker.server(answers, firstAnswer, answers.length - firstAnswer);

        assertThat(idleAfterFirstAnswerPart).isFalse();
        assertThat(idleAfterFirstAnswer)
                .as("one pipelined request still unanswered")
                .isFalse();
        assertThat(tracker.idle()).isTrue();
    }

    @Test
    void shouldNeverCallAConnectionItCannotFollowIdle() {
        client(PgWire.sslRequest());
        server(new byte[] {'S'});
        client(new byte[] {0x16, 0x03, 0x01, 0x00, 0x20});
        server(PgWire.ready('I'));
        assertThat(tracker.idle()).as("TLS").isFalse();

        PgWireTracker garbage = new PgWireTracker();
        byte[] text = "?\n".getBytes();
        garbage.client(text, 0, text.length);
        garbage.server(PgWire.ready('I'), 0, 6);
        assertThat(garbage.idle()).isFalse();
    }
}
