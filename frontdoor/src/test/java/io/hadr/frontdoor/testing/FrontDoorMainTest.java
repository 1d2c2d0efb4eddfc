package io.hadr.frontdoor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.OriginConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FrontDoorMainTest {

    private static FrontDoorConfig parse(String... args) {
        FrontDoorMain main = new FrontDoorMain();
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void shouldParseCommandLineIntoConfig() {
        FrontDoorConfig config = parse(
                "--port",
                "8080",
                "--probe-path",
                "/health",
                "--probe-interval-ms",
                "1000",
                "--sample-size",
                "4",
                "--successful-samples",
                "3",
                "--additional-latency-ms",
                "0",
                "--no-retry",
                "--session-affinity",
                "--origin",
                "a=http://127.0.0.1:8081,priority=1,weight=1000",
                "--origin",
                "b=http://127.0.0.1:8082,priority=2,disabled");

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.healthProbe().path()).isEqualTo("/health");
        assertThat(config.healthProbe().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.loadBalancing().additionalLatency()).isZero();
        assertThat(config.retryOnNextOrigin()).isFalse();
        assertThat(config.sessionAffinity()).isTrue();
        assertThat(config.origins())
                .containsExactly(
                        new OriginConfig("a", URI.create("http://127.0.0.1:8081"), 1, 1000, true),
                        new OriginConfig("b", URI.create("http://127.0.0.1:8082"), 2, 50, false));
    }

    @Test
    void shouldExplainBadUsageWithExitCode2() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new FrontDoorMain())
                .setErr(new PrintWriter(err))
                .execute("--probe-interval-ms", "soon");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--probe-interval-ms").contains("soon");
        assertThatThrownBy(() -> parse("--origin", "nourl")).hasMessageStartingWith("--origin must be NAME=URL");
        assertThatThrownBy(() -> parse("--probe-interval-ms", "0", "--origin", "a=http://x:1"))
                .hasMessage("probeInterval must be between 10 ms and 60 min, but was 0 ms");
    }
}
