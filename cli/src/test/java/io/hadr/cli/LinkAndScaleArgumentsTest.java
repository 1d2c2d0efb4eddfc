package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hadr link} and {@code hadr app scale} refuse bad arguments as bad usage (exit 2, one line
 * naming the value and what is allowed) before any environment is asked: these run without one.
 */
class LinkAndScaleArgumentsTest {

    @TempDir
    Path stateDir;

    private final InProcessCli hadr = new InProcessCli();

    @Test
    void shouldRefuseALatencyThatIsNotADuration() {
        int exit = hadr.run("link", "latency", "fast", "--state-dir", stateDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(hadr.err()).contains("'fast' is not a duration; write it like 500ms");
        assertThat(hadr.out()).isEmpty();
    }

    @Test
    void shouldRefuseALatencyBeyondTheLinksRange() {
        int tooLong = hadr.run("link", "latency", "11s", "--state-dir", stateDir.toString());
        int negative = hadr.run("link", "latency", "PT-1S", "--state-dir", stateDir.toString());

        assertThat(tooLong).isEqualTo(2);
        assertThat(negative).isEqualTo(2);
        assertThat(hadr.err())
                .contains("the link's latency is 0ms to 10s one way, but 11s was given")
                .contains("but PT-1S was given");
    }

    @Test
    void shouldRefuseALatencyCommandWithoutADuration() {
        int exit = hadr.run("link", "latency", "--state-dir", stateDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(hadr.err()).contains("DURATION");
    }

    @Test
    void shouldRefuseAnUnknownLinkChange() {
        int exit = hadr.run("link", "sever");

        assertThat(exit).isEqualTo(2);
        assertThat(hadr.err()).contains("sever");
    }

    @Test
    void shouldRefuseANegativeOrTooLargeInstanceCount() {
        int negative = hadr.run("app", "scale", "southindia", "-1", "--state-dir", stateDir.toString());
        String negativeError = hadr.err();
        int tooMany = hadr.run("app", "scale", "southindia", "11", "--state-dir", stateDir.toString());

        assertThat(negative).isEqualTo(2);
        assertThat(negativeError).contains("an app scales to 0 to 10 instances per region, but -1 was given");
        assertThat(tooMany).isEqualTo(2);
        assertThat(hadr.err()).contains("but 11 was given");
    }

    @Test
    void shouldRefuseAnInstanceCountThatIsNotANumberOrIsMissing() {
        int word = hadr.run("app", "scale", "southindia", "many", "--state-dir", stateDir.toString());
        String wordError = hadr.err();
        int missing = hadr.run("app", "scale", "southindia", "--state-dir", stateDir.toString());

        assertThat(word).isEqualTo(2);
        assertThat(wordError).contains("many");
        assertThat(missing).isEqualTo(2);
        assertThat(hadr.err()).contains("N");
    }

    @Test
    void shouldSayThatNoEnvironmentRunsWhenTheLinkIsAskedForWithoutOne() {
        int exit = hadr.run("link", "--state-dir", stateDir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(hadr.err().lines()).hasSize(1);
        assertThat(hadr.err()).contains("hadr up");
    }
}
