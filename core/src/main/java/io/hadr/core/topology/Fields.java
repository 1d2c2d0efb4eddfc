package io.hadr.core.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Typed, validated access to one mapping of a topology file. Each getter records the key as
 * allowed, returns the default after reporting a problem (so that one run reports every problem),
 * and {@link #finish()} reports the keys nobody asked for.
 */
final class Fields {

    /** Where problems go; shared by all sections of one file. */
    static final class Problems {
        private final String source;
        private final List<TopologyException.Problem> list = new ArrayList<>();

        Problems(String source) {
            this.source = source;
        }

        void add(int line, String message) {
            list.add(new TopologyException.Problem(source, line, message));
        }

        String source() {
            return source;
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                throw new TopologyException(list);
            }
        }
    }

    private final Problems problems;
    private final String path;
    private final int line;
    private final Map<String, YamlNode.Entry> entries;
    private final Set<String> known = new LinkedHashSet<>();

    private Fields(Problems problems, String path, int line, Map<String, YamlNode.Entry> entries) {
        this.problems = problems;
        this.path = path;
        this.line = line;
        this.entries = entries;
    }

    /** The top level of a document; {@code root} may be null for an empty file. */
    static Fields root(Problems problems, YamlNode root) {
        if (root == null) {
            return new Fields(problems, "", 0, Map.of());
        }
        if (root instanceof YamlNode.Mapping mapping) {
            return new Fields(problems, "", mapping.line(), mapping.asMap());
        }
        problems.add(
                root.line(),
                "the topology must be a mapping of keys (name:, strategy:, regions:, ...), but the file holds "
                        + root.kind());
        return new Fields(problems, "", 0, Map.of());
    }

    /** A nested mapping; absent or wrongly typed sections read as empty so defaults apply. */
    Fields section(String key) {
        known.add(key);
        YamlNode.Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return new Fields(problems, qualified(key), entry == null ? line : entry.keyLine(), Map.of());
        }
        if (entry.value() instanceof YamlNode.Mapping mapping) {
            return new Fields(problems, qualified(key), mapping.line(), mapping.asMap());
        }
        problems.add(
                entry.keyLine(),
                qualified(key) + ": must be a mapping of keys, but is "
                        + entry.value().kind());
        return new Fields(problems, qualified(key), entry.keyLine(), Map.of());
    }

    /** The items of a list that are mappings; other items are reported. Absent → empty list. */
    List<Fields> list(String key) {
        known.add(key);
        YamlNode.Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return List.of();
        }
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            problems.add(
                    entry.keyLine(),
                    qualified(key) + ": must be a list (items start with '- '), but is "
                            + entry.value().kind());
            return List.of();
        }
        List<Fields> items = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            YamlNode item = sequence.items().get(i);
            String itemPath = qualified(key) + "[" + i + "]";
            if (item instanceof YamlNode.Mapping mapping) {
                items.add(new Fields(problems, itemPath, mapping.line(), mapping.asMap()));
            } else {
                problems.add(item.line(), itemPath + ": must be a mapping of keys, but is " + item.kind());
            }
        }
        return items;
    }

    /** Every entry of a mapping whose keys are free (e.g. environment variables, origins by region). */
    Map<String, YamlNode.Entry> freeMapping(String key) {
        known.add(key);
        YamlNode.Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return Map.of();
        }
        if (entry.value() instanceof YamlNode.Mapping mapping) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(mapping.asMap()));
        }
        problems.add(
                entry.keyLine(),
                qualified(key) + ": must be a mapping of keys, but is "
                        + entry.value().kind());
        return Map.of();
    }

    /** A nested mapping given as an entry of the {@link #freeMapping} under {@code key}. */
    Fields entrySection(String key, YamlNode.Entry entry) {
        String entryPath = qualified(key) + "." + entry.key();
        if (entry.value() instanceof YamlNode.Mapping mapping) {
            return new Fields(problems, entryPath, mapping.line(), mapping.asMap());
        }
        if (!isNull(entry.value())) {
            problems.add(
                    entry.keyLine(),
                    entryPath + ": must be a mapping of keys, but is "
                            + entry.value().kind());
        }
        return new Fields(problems, entryPath, entry.keyLine(), Map.of());
    }

    boolean has(String key) {
        YamlNode.Entry entry = entries.get(key);
        return entry != null && !isNull(entry.value());
    }

    int lineOf(String key) {
        YamlNode.Entry entry = entries.get(key);
        return entry == null ? line : entry.keyLine();
    }

    int line() {
        return line;
    }

    String path() {
        return path;
    }

    Optional<String> text(String key, Pattern pattern, String allowed) {
        return scalar(key).flatMap(s -> {
            if (pattern.matcher(s.text()).matches()) {
                return Optional.of(s.text());
            }
            report(key, "'" + s.text() + "' is not allowed; " + allowed);
            return Optional.empty();
        });
    }

    String text(String key, String defaultValue, Pattern pattern, String allowed) {
        return text(key, pattern, allowed).orElse(defaultValue);
    }

    int integer(String key, int defaultValue, int min, int max, String allowed) {
        return scalar(key)
                .map(s -> {
                    try {
                        int value = Integer.parseInt(s.text().trim());
                        if (value < min || value > max) {
                            report(key, value + " is out of range; " + allowed);
                            return defaultValue;
                        }
                        return value;
                    } catch (NumberFormatException e) {
                        report(key, "'" + s.text() + "' is not a whole number; " + allowed);
                        return defaultValue;
                    }
                })
                .orElse(defaultValue);
    }

    boolean bool(String key, boolean defaultValue) {
        return scalar(key)
                .map(s -> {
                    String t = s.text().trim().toLowerCase(Locale.ROOT);
                    if (t.equals("true") || t.equals("false")) {
                        return Boolean.parseBoolean(t);
                    }
                    report(key, "'" + s.text() + "' is not allowed; write true or false");
                    return defaultValue;
                })
                .orElse(defaultValue);
    }

    /** A duration within [min, max] (max may be null); {@code allowed} explains the range. */
    Duration duration(String key, Duration defaultValue, Duration min, Duration max, String allowed) {
        return scalar(key)
                .map(s -> {
                    Duration value;
                    try {
                        value = Durations.parse(s.text());
                    } catch (IllegalArgumentException e) {
                        report(key, e.getMessage());
                        return defaultValue;
                    }
                    if (value.compareTo(min) < 0 || (max != null && value.compareTo(max) > 0)) {
                        report(key, Durations.format(value) + " is out of range; " + allowed);
                        return defaultValue;
                    }
                    return value;
                })
                .orElse(defaultValue);
    }

    /** One of a fixed set of words, matched without regard to case. */
    <E> E choice(String key, E defaultValue, Map<String, E> choices) {
        return scalar(key)
                .map(s -> {
                    E value = choices.get(s.text().trim().toLowerCase(Locale.ROOT));
                    if (value == null) {
                        report(
                                key,
                                "'" + s.text() + "' is not allowed; choose one of "
                                        + String.join(", ", choices.keySet()));
                        return defaultValue;
                    }
                    return value;
                })
                .orElse(defaultValue);
    }

    /** A mapping of names to plain values, e.g. environment variables. */
    Map<String, String> stringMap(String key, Pattern keyPattern, String allowedKeys) {
        Map<String, String> result = new LinkedHashMap<>();
        for (YamlNode.Entry entry : freeMapping(key).values()) {
            String entryPath = qualified(key) + "." + entry.key();
            if (!keyPattern.matcher(entry.key()).matches()) {
                problems.add(
                        entry.keyLine(),
                        entryPath + ": '" + entry.key() + "' is not allowed as a name; " + allowedKeys);
            } else if (entry.value() instanceof YamlNode.Scalar scalar) {
                result.put(entry.key(), scalar.isNull() ? "" : scalar.text());
            } else {
                problems.add(
                        entry.keyLine(),
                        entryPath + ": must be a plain value, but is "
                                + entry.value().kind());
            }
        }
        return result;
    }

    List<String> stringList(String key) {
        known.add(key);
        YamlNode.Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return List.of();
        }
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            problems.add(
                    entry.keyLine(),
                    qualified(key) + ": must be a list of values, but is "
                            + entry.value().kind());
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (YamlNode item : sequence.items()) {
            if (item instanceof YamlNode.Scalar scalar && !scalar.isNull()) {
                values.add(scalar.text());
            } else {
                problems.add(
                        item.line(), qualified(key) + ": every item must be a plain value, but one is " + item.kind());
            }
        }
        return values;
    }

    /** Reports a problem at a given line. */
    void report(int atLine, String key, String message) {
        problems.add(atLine, qualified(key) + ": " + message);
    }

    /** Reports a problem about {@code key} of this section. */
    void report(String key, String message) {
        problems.add(lineOf(key), qualified(key) + ": " + message);
    }

    /** Reports every key that no getter asked for, suggesting the nearest known key. */
    void finish() {
        for (YamlNode.Entry entry : entries.values()) {
            if (!known.contains(entry.key())) {
                String where = path.isEmpty() ? "at the top level" : "in " + path;
                String suggestion = nearest(entry.key())
                        .map(k -> "; did you mean '" + k + "'?")
                        .orElse("");
                problems.add(
                        entry.keyLine(),
                        "unknown key '" + entry.key() + "' " + where + "; allowed keys: " + String.join(", ", known)
                                + suggestion);
            }
        }
    }

    private Optional<YamlNode.Scalar> scalar(String key) {
        known.add(key);
        YamlNode.Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return Optional.empty();
        }
        if (entry.value() instanceof YamlNode.Scalar scalar) {
            return Optional.of(scalar);
        }
        report(key, "must be a single value, but is " + entry.value().kind());
        return Optional.empty();
    }

    private String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Optional<String> nearest(String key) {
        Function<String, Integer> distance =
                k -> editDistance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT));
        return known.stream()
                .filter(k -> distance.apply(k) <= Math.max(2, k.length() / 3))
                .min((a, b) -> Integer.compare(distance.apply(a), distance.apply(b)));
    }

    private static boolean isNull(YamlNode node) {
        return node instanceof YamlNode.Scalar scalar && scalar.isNull();
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
