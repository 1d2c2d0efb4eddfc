package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DrillCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int hadr(String... args) {
        CommandLine commandLine = Hadr.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldListTheBuiltInDrills() {
        int exit = hadr("drill", "list");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("app-outage", "db-planned-failover", "db-forced-failover", "region-outage", "pitr",
                "failback");
    }

    @Test
    void shouldPrintThePlanOfADryRunWithoutAnEnvironment() {
        int exit = hadr("drill", "run", "db-forced-failover", "--dry-run", "--objective", "rpo=10s");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("link partition", "region down primary", "primary centralindia Central India", "RPO 10s (command line)",
                "nothing was done");
    }

    @Test
    void shouldNameFileLineAndFieldOfABadDrillFile() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "title: bad\nmethod:\n  - app vanish primary\n");

        int exit = hadr("drill", "run", file.toString(), "--dry-run");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":3: method[0]: 'app vanish primary': unknown app action 'vanish'", "1 problem");
    }

    @Test
    void shouldRefuseAnUnknownObjective() {
        int exit = hadr("drill", "run", "app-outage", "--dry-run", "--objective", "mttr=5s");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown objective 'mttr'");
    }
}
