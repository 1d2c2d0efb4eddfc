package io.hadr.drill.spec;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.topology.Durations;
import io.hadr.core.topology.Region;
import io.hadr.core.topology.Strategy;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyException;
import io.hadr.core.topology.YamlNode;
import io.hadr.core.topology.YamlTreeReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates drill files. Strict like the topology: an unknown field or action is an
 * error with file, line and field, nothing is guessed, and every problem of a file is reported at
 * once. Regions may be written as {@code primary}/{@code secondary} (the topology's roles at the
 * start), as ids or as display names; they are resolved against the topology here.
 */
public final class DrillParser {

    private static final Pattern STEP_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern RESTORE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern TOLERANCE = Pattern.compile("^(.*?)\\s*(?:>=|≥)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*%$");
    private static final Pattern PERCENT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)%");
    private static final String ACTIONS = "app, region, db, frontdoor, link, wait, expect, traffic";
    private static final String CONDITIONS = "'reads|writes served from REGION', 'reads|writes include REGION', "
            + "'reads|writes succeed', 'reads|writes fail', 'db primary is REGION', 'origin REGION healthy|unhealthy', "
            + "'replication lag below DURATION'";

    private final String source;
    private final Topology topology;
    private final List<DrillFileException.Problem> problems = new ArrayList<>();

    private DrillParser(String source, Topology topology) {
        this.source = source;
        this.topology = topology;
    }

    /** Reads a drill file; its name is the file name without {@code .yaml}/{@code .yml}. */
    public static Drill load(Path file, Topology topology) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw DrillFileException.single(
                    file.toString(),
                    0,
                    null,
                    "no such file; give a drill file or a built-in drill's name (hadr drill list)");
        } catch (IOException e) {
            throw DrillFileException.single(file.toString(), 0, null, "cannot read the file: " + e.getMessage());
        }
        String name = file.getFileName().toString().replaceFirst("\\.(yaml|yml)$", "");
        return parse(name, file.toString(), text, topology);
    }

    /**
     * Validates drill text.
     *
     * @param name the drill's name in reports
     * @param source names the text in messages (a path, or "built-in drill X")
     * @throws DrillFileException listing every problem
     */
    public static Drill parse(String name, String source, String text, Topology topology) {
        return new DrillParser(source, topology).drill(name, text);
    }

    private Drill drill(String name, String text) {
        YamlNode root;
        try {
            root = YamlTreeReader.read(source, text);
        } catch (TopologyException e) {
            TopologyException.Problem first = e.problems().get(0);
            throw DrillFileException.single(source, first.line(), null, first.message());
        }
        if (root == null) {
            throw DrillFileException.single(
                    source, 0, null, "the file is empty; a drill needs at least title: and method:");
        }
        if (!(root instanceof YamlNode.Mapping rootMapping)) {
            throw DrillFileException.single(
                    source,
                    root.line(),
                    null,
                    "a drill is a mapping of keys (title:, traffic:, method:, ...), but the file holds " + root.kind());
        }
        Section top = new Section("", rootMapping);
        String title = top.text("title").orElse(null);
        if (title == null) {
            problem(rootMapping.line(), "title", "missing; give the drill a one-line title");
            title = name;
        }
        String description = top.text("description").orElse("");
        Traffic traffic = traffic(top.section("traffic"));
        SteadyState steady = steadyState(top.section("steadyState"), traffic);
        Section objectives = top.section("objectives");
        Duration rto = objectives.duration("rto").orElse(null);
        Duration rpo = objectives.duration("rpo").orElse(null);
        objectives.finish();

        int problemsBefore = problems.size();
        List<Step> method = steps(top, "method", traffic);
        if (method.isEmpty() && top.has("method") && problems.size() == problemsBefore) {
            problem(top.lineOf("method"), "method", "has no steps; a drill needs at least one");
        } else if (!top.has("method")) {
            problem(rootMapping.line(), "method", "missing; list the drill's steps under method:");
        }
        method = withDefaultFault(method);
        checkReferences(method);

        Rollbacks rollbacks = Rollbacks.NONE;
        Section rb = top.section("rollbacks");
        if (top.has("rollbacks")) {
            Rollbacks.When when = rb.choice("when", Rollbacks.When.values(), Rollbacks.When::word)
                    .orElse(Rollbacks.When.ALWAYS);
            List<Step> steps = steps(rb, "steps", traffic);
            rollbacks = new Rollbacks(when, steps);
        }
        rb.finish();

        List<Safeguard> safeguards = new ArrayList<>();
        for (Item item : top.scalarList("safeguards")) {
            safeguard(item).ifPresent(safeguards::add);
        }
        top.finish();
        if (!problems.isEmpty()) {
            throw new DrillFileException(problems);
        }
        return new Drill(name, title, description, source, traffic, steady, rto, rpo, method, rollbacks, safeguards);
    }

    private Traffic traffic(Section t) {
        double reads = t.number("reads", 0, 10_000).orElse(10.0);
        double writes = t.number("writes", 0, 10_000).orElse(10.0);
        int writers = (int) (double) t.number("writers", 1, 100).orElse(1.0);
        Duration timeout = t.duration("timeout").orElse(Traffic.DEFAULT_TIMEOUT);
        Duration sustained = t.duration("sustained").orElse(Traffic.DEFAULT_SUSTAINED);
        if (timeout.isZero() || sustained.isZero()) {
            problem(t.line, t.path, "timeout and sustained must be longer than 0s");
        }
        t.finish();
        if (reads + writes == 0) {
            problem(t.line, "traffic", "reads and writes are both 0; a drill measures traffic, give it some");
        }
        return new Traffic(
                reads,
                writes,
                writers,
                timeout.isZero() ? Traffic.DEFAULT_TIMEOUT : timeout,
                sustained.isZero() ? Traffic.DEFAULT_SUSTAINED : sustained);
    }

    private SteadyState steadyState(Section s, Traffic traffic) {
        Duration window = s.duration("window").orElse(SteadyState.DEFAULT_WINDOW);
        List<Probe> probes = new ArrayList<>();
        for (Item item : s.scalarList("probes")) {
            Matcher tolerance = TOLERANCE.matcher(item.text.trim());
            String conditionText = tolerance.matches() ? tolerance.group(1) : item.text.trim();
            Double percent = tolerance.matches() ? Double.parseDouble(tolerance.group(2)) : null;
            if (percent != null && percent > 100) {
                problem(item.line, item.field, percent + "% is more than 100%");
                continue;
            }
            Condition condition =
                    condition(words(conditionText, item.line, item.field), item.line, item.field, traffic);
            if (condition == null) {
                continue;
            }
            if (condition instanceof Condition.Succeed succeed) {
                probes.add(new Probe(
                        item.text,
                        item.line,
                        succeed.kind(),
                        Probe.Measure.SUCCEED,
                        null,
                        percent == null ? 100 : percent,
                        null));
            } else if (condition instanceof Condition.ServedFrom served) {
                probes.add(new Probe(
                        item.text,
                        item.line,
                        served.kind(),
                        Probe.Measure.SERVED_FROM,
                        served.region(),
                        percent == null ? 100 : percent,
                        null));
            } else if (condition.needsStatus()) {
                if (percent != null) {
                    problem(
                            item.line,
                            item.field,
                            "'" + conditionText + "' is checked on the status and takes no tolerance; remove '>= "
                                    + tolerance.group(2) + "%'");
                    continue;
                }
                probes.add(new Probe(item.text, item.line, null, Probe.Measure.STATUS, null, 100, condition));
            } else {
                problem(
                        item.line,
                        item.field,
                        "'" + conditionText + "' cannot be a steady-state probe; use 'reads|writes succeed >= N%', "
                                + "'reads|writes served from REGION >= N%', 'db primary is REGION', 'origin REGION healthy' or 'replication lag below D'");
            }
        }
        s.finish();
        return new SteadyState(window, probes);
    }

    private List<Step> steps(Section parent, String key, Traffic traffic) {
        List<Step> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Item item : parent.stepList(key)) {
            Step step = item.mapping == null ? simpleStep(item, traffic) : richStep(item, traffic);
            if (step == null) {
                continue;
            }
            if (step.name() != null && !names.add(step.name())) {
                problem(
                        item.line,
                        item.field + ".name",
                        "'" + step.name() + "' names two steps; step names must differ");
            }
            steps.add(step);
        }
        return steps;
    }

    private Step simpleStep(Item item, Traffic traffic) {
        Action action = action(words(item.text, item.line, item.field), item.line, item.field, traffic);
        return action == null ? null : new Step(item.line, null, action, false, Set.of(), null, false);
    }

    private Step richStep(Item item, Traffic traffic) {
        Section s = new Section(item.field, item.mapping);
        Optional<String> doText = s.text("do");
        String name = s.text("name").orElse(null);
        if (name != null && !STEP_NAME.matcher(name).matches()) {
            problem(
                    s.lineOf("name"),
                    item.field + ".name",
                    "'" + name + "' is not allowed; a step name is lowercase letters, digits and '-', e.g. delete");
            name = null;
        }
        boolean fault = s.bool("fault").orElse(false);
        boolean optional = s.bool("optional").orElse(false);
        if (fault && optional) {
            problem(
                    s.lineOf("optional"),
                    item.field + ".optional",
                    "a fault cannot be optional: without it there is nothing to"
                            + " measure; remove 'optional: true' or make another step the fault");
        }
        Set<Strategy> strategies = EnumSet.noneOf(Strategy.class);
        for (Item word : s.scalarList("strategies")) {
            Strategy strategy = Arrays.stream(Strategy.values())
                    .filter(v -> v.id().equals(word.text.trim()))
                    .findFirst()
                    .orElse(null);
            if (strategy == null) {
                problem(
                        word.line,
                        word.field,
                        "'" + word.text
                                + "' is not a strategy; use active-active, active-passive, warm-standby or cold-standby");
            } else {
                strategies.add(strategy);
            }
        }
        Condition onlyIf = s.text("if")
                .map(text -> condition(
                        words(text, s.lineOf("if"), item.field + ".if"), s.lineOf("if"), item.field + ".if", traffic))
                .orElse(null);
        s.finish();
        if (doText.isEmpty()) {
            problem(
                    item.line,
                    item.field + ".do",
                    "missing; a step written as a mapping says what it does in do:, e.g. do: app stop primary");
            return null;
        }
        Action action = action(
                words(doText.get(), s.lineOf("do"), item.field + ".do"), s.lineOf("do"), item.field + ".do", traffic);
        return action == null ? null : new Step(item.line, name, action, fault, strategies, onlyIf, optional);
    }

    /** When no step says {@code fault: true}, the first disruptive one is the fault RTO is measured from. */
    private static List<Step> withDefaultFault(List<Step> method) {
        if (method.stream().anyMatch(Step::fault)) {
            return method;
        }
        List<Step> result = new ArrayList<>(method);
        for (int i = 0; i < result.size(); i++) {
            Step step = result.get(i);
            if (step.action().disruptive()) {
                result.set(
                        i,
                        new Step(
                                step.line(),
                                step.name(),
                                step.action(),
                                true,
                                step.strategies(),
                                step.onlyIf(),
                                step.optional()));
                break;
            }
        }
        return result;
    }

    private void checkReferences(List<Step> method) {
        Set<String> earlierNames = new HashSet<>();
        Set<String> earlierMarks = new HashSet<>();
        for (Step step : method) {
            if (step.action() instanceof Action.Restore restore) {
                if (restore.point() instanceof RestorePoint.AroundStep around
                        && !earlierNames.contains(around.step())) {
                    problem(
                            step.line(),
                            "method",
                            "'" + restore.text() + "' refers to step '" + around.step()
                                    + "', which is not an earlier step of the method; give that step name: "
                                    + around.step());
                }
                if (restore.point() instanceof RestorePoint.Mark mark && !earlierMarks.contains(mark.name())) {
                    problem(
                            step.line(),
                            "method",
                            "'" + restore.text() + "' refers to mark '" + mark.name()
                                    + "', which no earlier step makes; add 'db mark " + mark.name() + "' before it");
                }
            }
            if (step.action() instanceof Action.Mark mark) {
                earlierMarks.add(mark.name());
            }
            if (step.name() != null) {
                earlierNames.add(step.name());
            }
        }
    }

    // ---- actions -------------------------------------------------------------------------------

    private Action action(List<String> t, int line, String field, Traffic traffic) {
        if (t == null) {
            return null;
        }
        if (t.isEmpty()) {
            problem(
                    line,
                    field,
                    "an empty step; write an action such as 'app stop primary' (actions: " + ACTIONS + ")");
            return null;
        }
        String verb = t.get(0);
        try {
            return switch (verb) {
                case "app" -> app(t);
                case "region" -> {
                    need(t, 3, "region down|up REGION", true);
                    yield new Action.RegionChange(
                            RegionAction.fromWord(t.get(1)), region(String.join(" ", t.subList(2, t.size()))));
                }
                case "db" -> db(t);
                case "frontdoor" -> frontDoor(t);
                case "link" -> link(t);
                case "wait" -> {
                    need(t, 2, "wait DURATION, e.g. wait 5s");
                    yield new Action.Wait(duration(t.get(1)));
                }
                case "expect" -> expect(t, line, field, traffic);
                case "traffic" -> trafficAction(t);
                default -> throw new IllegalArgumentException("unknown action '" + verb + "'; actions are " + ACTIONS);
            };
        } catch (IllegalArgumentException e) {
            problem(line, field, "'" + String.join(" ", t) + "': " + e.getMessage());
            return null;
        }
    }

    private Action app(List<String> t) {
        if (t.size() >= 2 && t.get(1).equals("scale")) {
            need(t, 4, "app scale REGION N (N instances, or full for the topology's count)", true);
            String last = t.get(t.size() - 1);
            Integer instances =
                    last.equals("full") ? null : integer(last, 0, 30, "an instance count from 0 to 30, or full");
            return new Action.Scale(region(String.join(" ", t.subList(2, t.size() - 1))), instances);
        }
        need(t, 3, "app stop|kill|start|restart REGION, or app scale REGION N", true);
        return new Action.App(AppAction.fromWord(t.get(1)), region(String.join(" ", t.subList(2, t.size()))));
    }

    private Action db(List<String> t) {
        if (t.size() < 2) {
            throw new IllegalArgumentException("say what to do: db failover|restore|adopt|sql|mark");
        }
        switch (t.get(1)) {
            case "failover":
                need(t, 3, "db failover planned|forced|try-planned");
                return new Action.Failover(FailoverMode.fromWord(t.get(2)));
            case "restore":
                return restore(t);
            case "adopt":
                if (t.size() > 3) {
                    throw new IllegalArgumentException("write db adopt, or db adopt NAME");
                }
                return new Action.Adopt(t.size() == 3 ? restoreName(t.get(2)) : null);
            case "mark":
                need(t, 3, "db mark NAME");
                return new Action.Mark(restoreName(t.get(2)));
            case "sql":
                return sql(t);
            default:
                throw new IllegalArgumentException(
                        "unknown db action '" + t.get(1) + "'; use failover, restore, adopt, sql or mark");
        }
    }

    private Action restore(List<String> t) {
        String usage =
                "db restore to now|time ISO|time before STEP|time after STEP|mark NAME|lsn LSN [as NAME] [from REGION]";
        if (t.size() < 4 || !t.get(2).equals("to")) {
            throw new IllegalArgumentException("write " + usage);
        }
        int i = 3;
        RestorePoint point;
        switch (t.get(i)) {
            case "now" -> {
                point = new RestorePoint.Now();
                i += 1;
            }
            case "time" -> {
                if (t.size() > i + 2
                        && (t.get(i + 1).equals("before") || t.get(i + 1).equals("after"))) {
                    point = new RestorePoint.AroundStep(
                            t.get(i + 2), t.get(i + 1).equals("before"));
                    i += 3;
                } else if (t.size() > i + 1) {
                    try {
                        point = new RestorePoint.At(Instant.parse(t.get(i + 1)));
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("'" + t.get(i + 1)
                                + "' is not a time; write it like 2026-03-01T10:15:30Z, or 'time before STEP'");
                    }
                    i += 2;
                } else {
                    throw new IllegalArgumentException("write " + usage);
                }
            }
            case "mark" -> {
                need(t, i + 2, usage, true);
                point = new RestorePoint.Mark(restoreName(t.get(i + 1)));
                i += 2;
            }
            case "lsn" -> {
                need(t, i + 2, usage, true);
                if (!t.get(i + 1).matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
                    throw new IllegalArgumentException("'" + t.get(i + 1) + "' is not an LSN; write it like 0/3000060");
                }
                point = new RestorePoint.Lsn(t.get(i + 1));
                i += 2;
            }
            default -> throw new IllegalArgumentException("write " + usage);
        }
        String as = null;
        RegionRef from = null;
        while (i < t.size()) {
            if (t.get(i).equals("as") && i + 1 < t.size() && as == null) {
                as = restoreName(t.get(i + 1));
                i += 2;
            } else if (t.get(i).equals("from") && i + 1 < t.size() && from == null) {
                from = region(t.get(i + 1));
                i += 2;
            } else {
                throw new IllegalArgumentException("unexpected '" + t.get(i) + "'; write " + usage);
            }
        }
        return new Action.Restore(point, as, from);
    }

    private Action sql(List<String> t) {
        String usage = "db sql \"STATEMENT\" [on server REGION | on restore [NAME]]";
        if (t.size() < 3) {
            throw new IllegalArgumentException("write " + usage);
        }
        String statement = t.get(2);
        if (t.size() == 3) {
            return new Action.Sql(statement, Action.Sql.On.LISTENER, null);
        }
        if (t.get(3).equals("on") && t.size() >= 5) {
            if (t.get(4).equals("server") && t.size() == 6) {
                return new Action.Sql(
                        statement, Action.Sql.On.SERVER, region(t.get(5)).id());
            }
            if (t.get(4).equals("restore") && t.size() <= 6) {
                return new Action.Sql(statement, Action.Sql.On.RESTORE, t.size() == 6 ? restoreName(t.get(5)) : null);
            }
        }
        throw new IllegalArgumentException("write " + usage + " (quote the statement)");
    }

    private Action frontDoor(List<String> t) {
        String usage = "frontdoor origin REGION enable|disable|priority N|weight N";
        if (t.size() < 4 || !t.get(1).equals("origin")) {
            throw new IllegalArgumentException("write " + usage);
        }
        int verb = 3;
        while (verb < t.size()
                && !List.of("enable", "disable", "priority", "weight").contains(t.get(verb))) {
            verb++;
        }
        if (verb == t.size()) {
            throw new IllegalArgumentException("write " + usage);
        }
        RegionRef region = region(String.join(" ", t.subList(2, verb)));
        int rest = t.size() - verb;
        OriginChange change = switch (t.get(verb)) {
            case "enable", "disable" -> {
                if (rest != 1) {
                    throw new IllegalArgumentException("write " + usage);
                }
                yield t.get(verb).equals("enable") ? OriginChange.enable() : OriginChange.disable();
            }
            case "priority" -> {
                if (rest != 2) {
                    throw new IllegalArgumentException("write " + usage);
                }
                yield OriginChange.priority(integer(t.get(verb + 1), 1, 5, "Azure Front Door's priority 1 to 5"));
            }
            default -> {
                if (rest != 2) {
                    throw new IllegalArgumentException("write " + usage);
                }
                yield OriginChange.weight(integer(t.get(verb + 1), 1, 1000, "Azure Front Door's weight 1 to 1000"));
            }
        };
        return new Action.Origin(region, change);
    }

    private Action link(List<String> t) {
        String usage = "link latency DURATION | link partition | link heal";
        if (t.size() == 3 && t.get(1).equals("latency")) {
            return new Action.Link(new LinkFault.Latency(duration(t.get(2))));
        }
        if (t.size() == 2 && t.get(1).equals("partition")) {
            return new Action.Link(new LinkFault.Partition());
        }
        if (t.size() == 2 && t.get(1).equals("heal")) {
            return new Action.Link(new LinkFault.Heal());
        }
        throw new IllegalArgumentException("write " + usage);
    }

    private Action expect(List<String> t, int line, String field, Traffic traffic) {
        int within = t.lastIndexOf("within");
        if (within < 2 || within != t.size() - 2) {
            throw new IllegalArgumentException(
                    "write expect CONDITION within DURATION, e.g. expect reads served from secondary within 30s");
        }
        Duration deadline = duration(t.get(t.size() - 1));
        Condition condition = condition(t.subList(1, within), line, field, traffic);
        if (condition == null) {
            return null;
        }
        return new Action.Expect(condition, deadline);
    }

    private Action trafficAction(List<String> t) {
        String usage = "traffic pause|resume [reads|writes]";
        if (t.size() < 2
                || t.size() > 3
                || !(t.get(1).equals("pause") || t.get(1).equals("resume"))) {
            throw new IllegalArgumentException("write " + usage);
        }
        TrafficKind kind = t.size() == 3 ? kind(t.get(2)) : null;
        return new Action.Traffic(t.get(1).equals("pause"), kind);
    }

    // ---- conditions ----------------------------------------------------------------------------

    private Condition condition(List<String> t, int line, String field, Traffic traffic) {
        if (t == null) {
            return null;
        }
        try {
            Condition condition = conditionOrThrow(t);
            if ((condition instanceof Condition.ServedFrom
                            || condition instanceof Condition.Include
                            || condition instanceof Condition.Succeed
                            || condition instanceof Condition.Fail)
                    && traffic.rate(kindOf(condition)) == 0) {
                problem(
                        line,
                        field,
                        "'" + condition.text() + "' needs " + kindOf(condition).word() + ", but traffic."
                                + kindOf(condition).word() + " is 0");
                return null;
            }
            return condition;
        } catch (IllegalArgumentException e) {
            problem(line, field, "'" + String.join(" ", t) + "': " + e.getMessage());
            return null;
        }
    }

    private static TrafficKind kindOf(Condition condition) {
        if (condition instanceof Condition.ServedFrom c) {
            return c.kind();
        }
        if (condition instanceof Condition.Include c) {
            return c.kind();
        }
        if (condition instanceof Condition.Succeed c) {
            return c.kind();
        }
        return ((Condition.Fail) condition).kind();
    }

    private Condition conditionOrThrow(List<String> t) {
        if (t.isEmpty()) {
            throw new IllegalArgumentException("an empty condition; conditions are " + CONDITIONS);
        }
        String first = t.get(0);
        if ((first.equals("reads") || first.equals("writes")) && t.size() >= 2) {
            TrafficKind kind = kind(first);
            String verb = t.get(1);
            if (verb.equals("succeed") && t.size() == 2) {
                return new Condition.Succeed(kind);
            }
            if (verb.equals("fail") && t.size() == 2) {
                return new Condition.Fail(kind);
            }
            if (verb.equals("served") && t.size() >= 4 && t.get(2).equals("from")) {
                return new Condition.ServedFrom(kind, region(String.join(" ", t.subList(3, t.size()))));
            }
            if (verb.equals("include") && t.size() >= 3) {
                return new Condition.Include(kind, region(String.join(" ", t.subList(2, t.size()))));
            }
        }
        if (first.equals("db")
                && t.size() >= 4
                && t.get(1).equals("primary")
                && t.get(2).equals("is")) {
            return new Condition.PrimaryIs(region(String.join(" ", t.subList(3, t.size()))));
        }
        if (first.equals("origin") && t.size() >= 3) {
            String last = t.get(t.size() - 1);
            if (last.equals("healthy") || last.equals("unhealthy")) {
                return new Condition.OriginHealth(
                        region(String.join(" ", t.subList(1, t.size() - 1))), last.equals("healthy"));
            }
        }
        if (first.equals("replication")
                && t.size() == 4
                && t.get(1).equals("lag")
                && t.get(2).equals("below")) {
            return new Condition.ReplicationLagBelow(duration(t.get(3)));
        }
        throw new IllegalArgumentException("unknown condition; conditions are " + CONDITIONS);
    }

    private Optional<Safeguard> safeguard(Item item) {
        List<String> t = words(item.text, item.line, item.field);
        if (t == null) {
            return Optional.empty();
        }
        String usage = "write '[reads|writes] error rate above N% for DURATION' or 'duration above DURATION'";
        try {
            if (t.size() == 3 && t.get(0).equals("duration") && t.get(1).equals("above")) {
                return Optional.of(new Safeguard.MaxDuration(item.text, item.line, duration(t.get(2))));
            }
            TrafficKind kind = null;
            List<String> rest = t;
            if (!t.isEmpty() && (t.get(0).equals("reads") || t.get(0).equals("writes"))) {
                kind = kind(t.get(0));
                rest = t.subList(1, t.size());
            }
            if (rest.size() == 6
                    && rest.get(0).equals("error")
                    && rest.get(1).equals("rate")
                    && rest.get(2).equals("above")
                    && rest.get(4).equals("for")) {
                Matcher percent = PERCENT.matcher(rest.get(3));
                if (!percent.matches() || Double.parseDouble(percent.group(1)) > 100) {
                    throw new IllegalArgumentException("'" + rest.get(3) + "' is not a percentage from 0% to 100%");
                }
                return Optional.of(new Safeguard.ErrorRate(
                        item.text, item.line, kind, Double.parseDouble(percent.group(1)), duration(rest.get(5))));
            }
            throw new IllegalArgumentException(usage);
        } catch (IllegalArgumentException e) {
            problem(item.line, item.field, "'" + item.text + "': " + e.getMessage());
            return Optional.empty();
        }
    }

    // ---- words ---------------------------------------------------------------------------------

    private RegionRef region(String written) {
        String w = written.trim();
        Region region = switch (w) {
            case "primary" -> topology.primary();
            case "secondary" -> topology.secondary();
            default ->
                topology.regions().stream()
                        .filter(r -> r.id().equals(w) || r.displayName().equalsIgnoreCase(w))
                        .findFirst()
                        .orElse(null);
        };
        if (region == null) {
            List<String> ids = topology.regions().stream()
                    .map(r -> r.id() + " (" + r.displayName() + ")")
                    .toList();
            throw new IllegalArgumentException("'" + w + "' is not a region of " + topology.source()
                    + "; write primary, secondary, or one of " + String.join(", ", ids));
        }
        return new RegionRef(w, region);
    }

    private static TrafficKind kind(String word) {
        return switch (word) {
            case "reads" -> TrafficKind.READS;
            case "writes" -> TrafficKind.WRITES;
            default -> throw new IllegalArgumentException("'" + word + "' is not reads or writes");
        };
    }

    private static String restoreName(String name) {
        if (!RESTORE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name
                    + "' is not allowed as a name; use lowercase letters, digits and '-', e.g. before-delete");
        }
        return name;
    }

    private static Duration duration(String text) {
        return Durations.parse(text);
    }

    private static int integer(String text, int min, int max, String allowed) {
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " is out of range; allowed: " + allowed);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number; allowed: " + allowed);
        }
    }

    private static void need(List<String> t, int count, String usage) {
        need(t, count, usage, false);
    }

    private static void need(List<String> t, int count, String usage, boolean atLeast) {
        if (atLeast ? t.size() < count : t.size() != count) {
            throw new IllegalArgumentException("write " + usage);
        }
    }

    /** The words of a step, or null after reporting an unclosed quote. */
    private List<String> words(String text, int line, String field) {
        try {
            return tokens(text);
        } catch (IllegalArgumentException e) {
            problem(line, field, e.getMessage());
            return null;
        }
    }

    /** Splits on spaces; text in double or single quotes stays one word. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean inToken = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    tokens.add(current.toString());
                    current.setLength(0);
                    inToken = false;
                }
            } else {
                current.append(c);
                inToken = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("a quote is not closed in: " + text);
        }
        if (inToken) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private void problem(int line, String field, String message) {
        problems.add(new DrillFileException.Problem(source, line, field, message));
    }

    // ---- a mapping with known keys -------------------------------------------------------------

    /** A list item: a plain value, or for steps a mapping. */
    private record Item(String text, YamlNode.Mapping mapping, int line, String field) {}

    /** One mapping of the file: typed getters remember the allowed keys; {@link #finish} reports the rest. */
    private final class Section {
        final String path;
        final int line;
        final Map<String, YamlNode.Entry> entries;
        final Set<String> known = new LinkedHashSet<>();

        Section(String path, YamlNode.Mapping mapping) {
            this.path = path;
            this.line = mapping == null ? 0 : mapping.line();
            this.entries = mapping == null ? Map.of() : mapping.asMap();
        }

        String field(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        boolean has(String key) {
            YamlNode.Entry e = entries.get(key);
            return e != null && !(e.value() instanceof YamlNode.Scalar s && s.isNull());
        }

        int lineOf(String key) {
            YamlNode.Entry e = entries.get(key);
            return e == null ? line : e.keyLine();
        }

        Section section(String key) {
            known.add(key);
            YamlNode.Entry e = entries.get(key);
            if (e == null || !has(key)) {
                return new Section(field(key), null);
            }
            if (e.value() instanceof YamlNode.Mapping m) {
                return new Section(field(key), m);
            }
            problem(
                    e.keyLine(),
                    field(key),
                    "must be a mapping of keys, but is " + e.value().kind());
            return new Section(field(key), null);
        }

        Optional<String> text(String key) {
            known.add(key);
            YamlNode.Entry e = entries.get(key);
            if (e == null || !has(key)) {
                return Optional.empty();
            }
            if (e.value() instanceof YamlNode.Scalar s) {
                return Optional.of(s.text());
            }
            problem(
                    e.keyLine(),
                    field(key),
                    "must be a single value, but is " + e.value().kind());
            return Optional.empty();
        }

        Optional<Double> number(String key, double min, double max) {
            return text(key).flatMap(t -> {
                try {
                    double value = Double.parseDouble(t.trim());
                    if (value < min || value > max || Double.isNaN(value)) {
                        problem(
                                lineOf(key),
                                field(key),
                                t + " is out of range; allowed: " + fmt(min) + " to " + fmt(max));
                        return Optional.empty();
                    }
                    return Optional.of(value);
                } catch (NumberFormatException e) {
                    problem(lineOf(key), field(key), "'" + t + "' is not a number");
                    return Optional.empty();
                }
            });
        }

        Optional<Boolean> bool(String key) {
            return text(key).flatMap(t -> {
                if (t.equals("true") || t.equals("false")) {
                    return Optional.of(Boolean.parseBoolean(t));
                }
                problem(lineOf(key), field(key), "'" + t + "' is not allowed; write true or false");
                return Optional.empty();
            });
        }

        Optional<Duration> duration(String key) {
            return text(key).flatMap(t -> {
                try {
                    return Optional.of(Durations.parse(t));
                } catch (IllegalArgumentException e) {
                    problem(lineOf(key), field(key), e.getMessage());
                    return Optional.empty();
                }
            });
        }

        <E> Optional<E> choice(String key, E[] values, java.util.function.Function<E, String> word) {
            return text(key).flatMap(t -> {
                for (E value : values) {
                    if (word.apply(value).equals(t.trim().toLowerCase(Locale.ROOT))) {
                        return Optional.of(value);
                    }
                }
                problem(
                        lineOf(key),
                        field(key),
                        "'" + t + "' is not allowed; choose one of "
                                + String.join(
                                        ", ", Arrays.stream(values).map(word).toList()));
                return Optional.empty();
            });
        }

        /** A list of plain values; a single value reads as a list of one. */
        List<Item> scalarList(String key) {
            List<Item> items = new ArrayList<>();
            for (Item item : list(key)) {
                if (item.mapping != null) {
                    problem(item.line, item.field, "must be a plain value, but is a mapping");
                } else {
                    items.add(item);
                }
            }
            return items;
        }

        /** Steps: each a plain action or a mapping with do:, name:, fault:, strategies:, if:. */
        List<Item> stepList(String key) {
            return list(key);
        }

        private List<Item> list(String key) {
            known.add(key);
            YamlNode.Entry e = entries.get(key);
            if (e == null || !has(key)) {
                return List.of();
            }
            List<YamlNode> nodes;
            if (e.value() instanceof YamlNode.Sequence seq) {
                nodes = seq.items();
            } else if (e.value() instanceof YamlNode.Scalar) {
                nodes = List.of(e.value());
            } else {
                problem(
                        e.keyLine(),
                        field(key),
                        "must be a list (items start with '- '), but is "
                                + e.value().kind());
                return List.of();
            }
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                YamlNode node = nodes.get(i);
                String itemField = field(key) + "[" + i + "]";
                if (node instanceof YamlNode.Mapping m) {
                    items.add(new Item(null, m, m.line(), itemField));
                } else if (node instanceof YamlNode.Scalar s && !s.isNull()) {
                    items.add(new Item(s.text(), null, s.line(), itemField));
                } else {
                    problem(node.line(), itemField, "must be a plain value or a mapping, but is " + node.kind());
                }
            }
            return items;
        }

        void finish() {
            for (YamlNode.Entry e : entries.values()) {
                if (!known.contains(e.key())) {
                    String where = path.isEmpty() ? "at the top level" : "in " + path;
                    String suggestion = nearest(e.key())
                            .map(k -> "; did you mean '" + k + "'?")
                            .orElse("");
                    problem(
                            e.keyLine(),
                            field(e.key()),
                            "unknown field '" + e.key() + "' " + where + "; allowed: " + String.join(", ", known)
                                    + suggestion);
                }
            }
        }

        private Optional<String> nearest(String key) {
            return known.stream()
                    .filter(k -> editDistance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT))
                            <= Math.max(2, k.length() / 3))
                    .min((a, b) -> Integer.compare(editDistance(a, key), editDistance(b, key)));
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
