package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillCommandTest {

    @TempDir
    Path dir;

    private final InProcessCli hadr = new InProcessCli();

    @Test
    void shouldListTheBuiltInDrills() {
        int exit = hadr.run("drill", "list");

        assertThat(exit).isZero();
        assertThat(hadr.out())
                .contains(
                        "app-outage", "db-planned-failover", "db-forced-failover", "region-outage", "pitr", "failback");
    }

    @Test
    void shouldPrintThePlanOfADryRunWithoutAnEnvironment() {
        int exit = hadr.run("drill", "run", "db-forced-failover", "--dry-run", "--objective", "rpo=10s");

        assertThat(exit).as(hadr.err()).isZero();
        assertThat(hadr.out())
                .contains(
                        "link partition",
                        "region down primary",
                        "primary centralindia Central India",
                        "RPO 10s (command line)",
                        "nothing was done");
    }

    @Test
    void shouldNameFileLineAndFieldOfABadDrillFile() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "title: bad\nmethod:\n  - app vanish primary\n");

        int exit = hadr.run("drill", "run", file.toString(), "--dry-run");

        assertThat(exit).isEqualTo(1);
        assertThat(hadr.err())
                .contains(file + ":3: method[0]: 'app vanish primary': unknown app action 'vanish'", "1 problem");
    }

    @Test
    void shouldRefuseAnUnknownObjective() {
        int exit = hadr.run("drill", "run", "app-outage", "--dry-run", "--objective", "mttr=5s");

        assertThat(exit).isEqualTo(2);
        assertThat(hadr.err()).contains("unknown objective 'mttr'");
    }
}
