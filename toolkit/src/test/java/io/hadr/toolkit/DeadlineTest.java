package io.hadr.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void shouldReturnTheFirstValueTheProbeYields() {
        AtomicInteger calls = new AtomicInteger();

        String value = Deadline.await(
                "the third call",
                Duration.ofSeconds(30),
                Duration.ofMillis(1),
                () -> calls.incrementAndGet() == 3 ? "ready" : null,
                () -> "calls " + calls,
                e -> false);

        assertThat(value).isEqualTo("ready");
        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldNameWhatWasAwaitedTheStateAndTheLastErrorWhenTimeRunsOut() {
        assertThatThrownBy(() -> Deadline.await(
                        "the server to accept connections",
                        Duration.ofMillis(50),
                        Duration.ofMillis(5),
                        () -> {
                            throw new IllegalStateException("connection refused");
                        },
                        () -> "state starting",
                        e -> false))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("waiting for the server to accept connections")
                .hasMessageContaining(
                        "limit PT0.05S; state starting; last error: java.lang.IllegalStateException: connection refused");
    }

    @Test
    void shouldEndTheWaitAtOnceOnAFatalError() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> Deadline.await(
                        "anything",
                        Duration.ofSeconds(30),
                        Duration.ofMillis(1),
                        () -> {
                            calls.incrementAndGet();
                            throw new UnsupportedOperationException("the process died");
                        },
                        () -> "",
                        e -> e instanceof UnsupportedOperationException))
                .hasMessage("the process died");
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldKeepTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Deadline.after(Duration.ofSeconds(30)).pause(Duration.ofSeconds(10)))
                    .isInstanceOf(DeadlineExceededException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void shouldWriteDurationsReadablyAtBothScales() {
        assertThat(Deadline.seconds(Duration.ofMillis(45))).isEqualTo("45 ms");
        assertThat(Deadline.seconds(Duration.ofMillis(2345))).isEqualTo("2.3 s");
    }
}
