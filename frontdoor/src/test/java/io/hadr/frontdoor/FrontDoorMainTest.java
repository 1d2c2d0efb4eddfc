package io.hadr.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FrontDoorMainTest {

    @Test
    void shouldParseCommandLineIntoConfig() {
        FrontDoorConfig config = FrontDoorMain.parse(new String[] {
            "--port", "8080", "--probe-path", "/health", "--probe-interval", "1s", "--sample-size", "4",
            "--successful-samples", "3", "--additional-latency", "0ms", "--no-retry", "--session-affinity",
            "--origin", "a=http://127.0.0.1:8081,priority=1,weight=1000",
            "--origin", "b=http://127.0.0.1:8082,priority=2,disabled"});

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.probePath()).isEqualTo("/health");
        assertThat(config.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.additionalLatency()).isZero();
        assertThat(config.retryOnNextOrigin()).isFalse();
        assertThat(config.sessionAffinity()).isTrue();
        assertThat(config.origins()).containsExactly(
                new OriginConfig("a", URI.create("http://127.0.0.1:8081"), 1, 1000, true),
                new OriginConfig("b", URI.create("http://127.0.0.1:8082"), 2, 50, false));
    }

    @Test
    void shouldExplainBadUsage() {
        assertThatThrownBy(() -> FrontDoorMain.parse(new String[] {"--probe-interval", "soon"}))
                .hasMessage("--probe-interval must be a duration like 500ms, 2s or 1m, but was 'soon'");
        assertThatThrownBy(() -> FrontDoorMain.parse(new String[] {"--origin", "nourl"}))
                .hasMessageStartingWith("--origin must be NAME=URL");
        assertThatThrownBy(() -> FrontDoorMain.parse(new String[] {"--frobnicate"}))
                .hasMessage("unknown option or missing value: --frobnicate");
        assertThatThrownBy(() -> FrontDoorMain.parse(new String[] {"--probe-interval", "500ms", "--origin", "a=http://x:1"}))
                .hasMessageStartingWith("probeInterval must be whole seconds between 1 s and 255 s");
    }
}
