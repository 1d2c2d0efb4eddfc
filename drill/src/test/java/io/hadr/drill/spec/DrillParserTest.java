package io.hadr.drill.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import io.hadr.drill.BuiltInDrills;
import io.hadr.drill.StrategyComparison;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillParserTest {

    private static final Topology TOPOLOGY = TopologyLoader.builtIn();

    private static Drill parse(String text) {
        return DrillParser.parse("test", "drills/test.yaml", text, TOPOLOGY);
    }

    private static List<DrillFileException.Problem> problems(String text) {
        try {
            parse(text);
        } catch (DrillFileException e) {
            return e.problems();
        }
        throw new AssertionError("expected the drill to be refused");
    }

    @Test
    void shouldReadADrillWithEveryPart() {
        Drill drill = parse("""
                title: Stop the primary
                description: A test.
                traffic:
                  reads: 20
                  writes: 5
                  writers: 2
                  sustained: 2s
                objectives:
                  rto: 30s
                steadyState:
                  window: 2s
                  probes:
                    - reads succeed >= 99%
                    - reads served from Central India >= 95%
                    - db primary is primary
                method:
                  - app stop primary
                  - expect reads served from South India within 30s
                  - do: db failover forced
                    name: force
                  - db restore to time before force as before-force from secondary
                  - db sql "DELETE FROM records WHERE writer IN (${writers})" on restore before-force
                  - frontdoor origin secondary weight 500
                  - link latency 20ms
                rollbacks:
                  when: on-deviation
                  steps:
                    - app start primary
                safeguards:
                  - error rate above 50% for 2m
                  - writes error rate above 90% for 30s
                  - duration above 10m
                """);

        assertThat(drill.title()).isEqualTo("Stop the primary");
        assertThat(drill.traffic().writers()).isEqualTo(2);
        assertThat(drill.traffic().sustained()).isEqualTo(Duration.ofSeconds(2));
        assertThat(drill.rto()).isEqualTo(Duration.ofSeconds(30));
        assertThat(drill.rpo()).isNull();
        assertThat(drill.steadyState().probes())
                .extracting(Probe::measure)
                .containsExactly(Probe.Measure.SUCCEED, Probe.Measure.SERVED_FROM, Probe.Measure.STATUS);
        assertThat(drill.steadyState().probes().get(1).minPercent()).isEqualTo(95);
        Action.App stop = (Action.App) drill.method().get(0).action();
        assertThat(stop.action()).isEqualTo(AppAction.STOP);
        assertThat(stop.region().id()).isEqualTo("centralindia");
        assertThat(drill.method().get(0).fault())
                .as("the first disruptive step is the fault")
                .isTrue();
        assertThat(drill.method().get(2).fault()).isFalse();
        Action.Expect expect = (Action.Expect) drill.method().get(1).action();
        assertThat(((Condition.ServedFrom) expect.condition()).region().id()).isEqualTo("southindia");
        assertThat(((Action.Failover) drill.method().get(2).action()).mode()).isEqualTo(FailoverMode.FORCED);
        Action.Restore restore = (Action.Restore) drill.method().get(3).action();
        assertThat(restore.point()).isEqualTo(new RestorePoint.AroundStep("force", true));
        assertThat(restore.as()).isEqualTo("before-force");
        assertThat(restore.from().id()).isEqualTo("southindia");
        Action.Sql sql = (Action.Sql) drill.method().get(4).action();
        assertThat(sql.statement()).isEqualTo("DELETE FROM records WHERE writer IN (${writers})");
        assertThat(sql.on()).isEqualTo(Action.Sql.On.RESTORE);
        assertThat(drill.rollbacks().when()).isEqualTo(Rollbacks.When.ON_DEVIATION);
        assertThat(drill.safeguards()).hasSize(3);
        assertThat(((Safeguard.ErrorRate) drill.safeguards().get(1)).kind()).isEqualTo(TrafficKind.WRITES);
    }

    @Test
    void shouldNameFileLineAndFieldOfAnUnknownField() {
        List<DrillFileException.Problem> problems = problems("""
                title: t
                trafic:
                  reads: 1
                method:
                  - wait 1s
                """);

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).toString())
                .startsWith("drills/test.yaml:2: trafic: unknown field 'trafic' at the top level")
                .contains("did you mean 'traffic'?");
    }

    @Test
    void shouldNameFileLineAndFieldOfAnUnknownAction() {
        List<DrillFileException.Problem> problems = problems("""
                title: t
                method:
                  - wait 1s
                  - app explode primary
                  - reboot everything
                """);

        assertThat(problems)
                .extracting(DrillFileException.Problem::toString)
                .containsExactly(
                        "drills/test.yaml:4: method[1]: 'app explode primary': unknown app action 'explode'; use stop, start, restart or kill",
                        "drills/test.yaml:5: method[2]: 'reboot everything': unknown action 'reboot'; actions are app, region, db, frontdoor, link, wait, expect, traffic");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        List<DrillFileException.Problem> problems = problems("""
                traffic:
                  reads: lots
                  writers: 0
                method:
                  - do: region down atlantis
                    fault: maybe
                    colour: red
                  - expect reads served from secondary
                  - db restore to time before nothing
                safeguards:
                  - error rate above 150% for 1m
                """);

        assertThat(problems)
                .extracting(p -> p.line() + " " + p.field())
                .containsExactlyInAnyOrder(
                        "1 title",
                        "2 traffic.reads",
                        "3 traffic.writers",
                        "6 method[0].fault",
                        "7 method[0].colour",
                        "5 method[0].do",
                        "8 method[1]",
                        "9 method",
                        "11 safeguards[0]");
        assertThat(problems.stream()
                        .filter(p -> p.line() == 5)
                        .findFirst()
                        .orElseThrow()
                        .message())
                .contains(
                        "'atlantis' is not a region of built-in topology; write primary, secondary, or one of centralindia (Central India), southindia (South India)");
        assertThat(problems.stream()
                        .filter(p -> p.line() == 9)
                        .findFirst()
                        .orElseThrow()
                        .message())
                .contains("refers to step 'nothing', which is not an earlier step");
    }

    @Test
    void shouldRefuseATrafficConditionWithoutThatTraffic() {
        List<DrillFileException.Problem> problems = problems("""
                title: t
                traffic:
                  writes: 0
                method:
                  - expect writes succeed within 5s
                """);

        assertThat(problems)
                .singleElement()
                .extracting(DrillFileException.Problem::toString)
                .isEqualTo("drills/test.yaml:5: method[0]: 'writes succeed' needs writes, but traffic.writes is 0");
    }

    @Test
    void shouldNameTheLineOfBrokenYaml() {
        List<DrillFileException.Problem> problems = problems("title: t\nmethod:\n  - wait 1s\n    - oops: [\n");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isGreaterThan(0);
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void shouldReadRegionsByRoleIdOrDisplayName() {
        Drill drill = parse("""
                title: t
                method:
                  - app stop southindia
                  - app stop Central India
                  - app kill secondary
                """);

        assertThat(drill.method())
                .extracting(s -> ((Action.App) s.action()).region().id())
                .containsExactly("southindia", "centralindia", "southindia");
    }

    @Test
    void shouldReadAnOptionalStepAndRefuseAnOptionalFault() {
        Drill drill = parse("""
                title: t
                method:
                  - do: link latency 20ms
                    optional: true
                  - app stop primary
                """);

        assertThat(drill.method()).extracting(Step::optional).containsExactly(true, false);
        assertThat(problems("""
                title: t
                method:
                  - do: app stop primary
                    fault: true
                    optional: true
                """))
                .extracting(DrillFileException.Problem::toString)
                .containsExactly(
                        "drills/test.yaml:5: method[0].optional: a fault cannot be optional: without it there is nothing"
                                + " to measure; remove 'optional: true' or make another step the fault");
    }

    @Test
    void shouldReadEveryBuiltInDrillUnderEveryStrategy() {
        for (Strategy strategy : Strategy.values()) {
            Topology topology = StrategyComparison.withStrategy(TOPOLOGY, strategy);
            for (String name : BuiltInDrills.NAMES) {
                Drill drill = BuiltInDrills.load(name, topology).orElseThrow();

                assertThat(drill.method()).as(name).isNotEmpty();
                assertThat(drill.method().stream().filter(Step::fault))
                        .as(name + " has a fault")
                        .isNotEmpty();
            }
        }
        assertThat(BuiltInDrills.list())
                .extracting(BuiltInDrills.BuiltInDrill::name)
                .containsExactlyElementsOf(BuiltInDrills.NAMES);
    }
}
