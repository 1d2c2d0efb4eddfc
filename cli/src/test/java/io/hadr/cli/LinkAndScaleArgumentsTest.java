package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hadr link} and {@code hadr app scale} refuse bad arguments as bad usage (exit 2, one line
 * naming the value and what is allowed) before any environment is asked: these run without one.
 */
class LinkAndScaleArgumentsTest {

    @TempDir
    Path stateDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int hadr(String... args) {
        CommandLine commandLine = Hadr.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldRefuseALatencyThatIsNotADuration() {
        int exit = hadr("link", "latency", "fast", "--state-dir", stateDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("'fast' is not a duration; write it like 500ms");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldRefuseALatencyBeyondTheLinksRange() {
        int tooLong = hadr("link", "latency", "11s", "--state-dir", stateDir.toString());
        int negative = hadr("link", "latency", "PT-1S", "--state-dir", stateDir.toString());

        assertThat(tooLong).isEqualTo(2);
        assertThat(negative).isEqualTo(2);
        assertThat(err.toString()).contains("the link's latency is 0ms to 10s one way, but 11s was given")
                .contains("but PT-1S was given");
    }

    @Test
    void shouldRefuseALatencyCommandWithoutADuration() {
        int exit = hadr("link", "latency", "--state-dir", stateDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("DURATION");
    }

    @Test
    void shouldRefuseAnUnknownLinkChange() {
        int exit = hadr("link", "sever");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("sever");
    }

    @Test
    void shouldRefuseANegativeOrTooLargeInstanceCount() {
        int negative = hadr("app", "scale", "southindia", "-1", "--state-dir", stateDir.toString());
        String negativeError = err.toString();
        int tooMany = hadr("app", "scale", "southindia", "11", "--state-dir", stateDir.toString());

        assertThat(negative).isEqualTo(2);
        assertThat(negativeError).contains("an app scales to 0 to 10 instances per region, but -1 was given");
        assertThat(tooMany).isEqualTo(2);
        assertThat(err.toString()).contains("but 11 was given");
    }

    @Test
    void shouldRefuseAnInstanceCountThatIsNotANumberOrIsMissing() {
        int word = hadr("app", "scale", "southindia", "many", "--state-dir", stateDir.toString());
        String wordError = err.toString();
        int missing = hadr("app", "scale", "southindia", "--state-dir", stateDir.toString());

        assertThat(word).isEqualTo(2);
        assertThat(wordError).contains("many");
        assertThat(missing).isEqualTo(2);
        assertThat(err.toString()).contains("N");
    }

    @Test
    void shouldSayThatNoEnvironmentRunsWhenTheLinkIsAskedForWithoutOne() {
        int exit = hadr("link", "--state-dir", stateDir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("hadr up");
    }
}
