package io.hadr.core.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads a YAML document into {@link YamlNode}s with line numbers, rejecting duplicate keys. Used
 * for topology files and drill files alike.
 */
public final class YamlTreeReader {

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final String source;

    private YamlTreeReader(String source) {
        this.source = source;
    }

    /**
     * Parses {@code text}; returns {@code null} for an empty document.
     *
     * @throws TopologyException when the text is not YAML, naming the line
     */
    public static YamlNode read(String source, String text) {
        YamlTreeReader reader = new YamlTreeReader(source);
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            YamlNode root = reader.readValue(parser);
            if (parser.nextToken() != null) {
                throw TopologyException.single(
                        source,
                        line(parser.currentLocation()),
                        "the file holds more than one YAML document; put everything in one");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String reason = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
            throw TopologyException.single(source, location == null ? 0 : line(location), "not valid YAML: " + reason);
        } catch (IOException e) {
            throw TopologyException.single(source, 0, "cannot read: " + e.getMessage());
        }
    }

    private YamlNode readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        int line = line(parser.currentTokenLocation());
        switch (token) {
            case START_OBJECT:
                return readMapping(parser, line);
            case START_ARRAY:
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser));
                }
                return new YamlNode.Sequence(items, line);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, true, line);
            default:
                return new YamlNode.Scalar(parser.getText(), false, line);
        }
    }

    private YamlNode readMapping(JsonParser parser, int line) throws IOException {
        LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line(parser.currentTokenLocation());
            parser.nextToken();
            YamlNode value = readValue(parser);
            YamlNode.Entry previous = entries.put(key, new YamlNode.Entry(key, keyLine, value));
            if (previous != null) {
                throw TopologyException.single(
                        source,
                        keyLine,
                        "key '" + key
                                + "' appears twice in the same mapping (first on line " + previous.keyLine()
                                + "); keep one");
            }
        }
        return new YamlNode.Mapping(entries, line);
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }
}
