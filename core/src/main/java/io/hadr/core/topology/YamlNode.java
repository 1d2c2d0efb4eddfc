package io.hadr.core.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written, so that validation errors can name the line.
 * Jackson's tree model drops locations; topology errors without a line number are unkind. Public
 * because drill files are read the same way.
 */
public sealed interface YamlNode {

    int line();

    /** What kind of value this is, in words for error messages. */
    String kind();

    record Scalar(String text, boolean isNull, int line) implements YamlNode {
        @Override
        public String kind() {
            return isNull ? "nothing" : "a value";
        }
    }

    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }

    record Mapping(LinkedHashMap<String, Entry> entries, int line) implements YamlNode {
        @Override
        public String kind() {
            return "a mapping";
        }

        public Map<String, Entry> asMap() {
            return entries;
        }
    }

    record Entry(String key, int keyLine, YamlNode value) {}
}
