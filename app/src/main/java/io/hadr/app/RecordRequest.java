package io.hadr.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The body of {@code POST /api/records}, read strictly: exactly one JSON object with the keys
 * {@code id}, {@code writer} and {@code seq}, each once, and nothing after it. A lenient reader
 * (last duplicate wins, trailing bytes ignored) would store something other than what the client
 * meant and acknowledge it with 201.
 *
 * @param id the client-made id the write is idempotent on
 * @param writer who wrote it (a drill's writer id)
 * @param seq the writer's sequence number
 */
record RecordRequest(String id, String writer, long seq) {

    static final String SHAPE = "{\"id\":\"...\",\"writer\":\"...\",\"seq\":1}";
    /** What a name may be, in the words of the error messages. */
    static final String NAME_RULE = "1-64 letters, digits, '.', '_', ':' or '-'";

    private static final Set<String> FIELDS = Set.of("id", "writer", "seq");

    /** A body the app will not store, with what is wrong and how to fix it. */
    static final class InvalidException extends RuntimeException {
        InvalidException(String message) {
            super(message);
        }
    }

    static RecordRequest parse(JsonFactory factory, byte[] body) {
        String id = null;
        String writer = null;
        Long seq = null;
        try (JsonParser parser = factory.createParser(body)) {
            // Duplicates are caught below, where the message can name the key.
            parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidException("the body must be one JSON object " + SHAPE);
            }
            Set<String> seen = new HashSet<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String field = parser.currentName();
                if (!FIELDS.contains(field)) {
                    throw new InvalidException("unknown field '" + field + "'; a record has id, writer and seq");
                }
                if (!seen.add(field)) {
                    throw new InvalidException("the key '" + field + "' appears more than once; send each of id, writer"
                            + " and seq once");
                }
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> id = name(parser, value, "id");
                    case "writer" -> writer = name(parser, value, "writer");
                    default -> seq = sequence(parser, value);
                }
            }
            if (!atEnd(parser)) {
                throw new InvalidException("the body has more after the JSON object; send exactly one object " + SHAPE);
            }
        } catch (IOException e) {
            throw new InvalidException("the body is not valid JSON (at line " + locationOf(e) + "); send " + SHAPE);
        }
        if (id == null) {
            throw new InvalidException("'id' is missing");
        }
        if (writer == null) {
            throw new InvalidException("'writer' is missing");
        }
        if (seq == null) {
            throw new InvalidException("'seq' is missing");
        }
        return new RecordRequest(id, writer, seq);
    }

    /**
     * Whether {@code value} is a name: {@value #NAME_RULE} (ASCII). A loop rather than a regular
     * expression: it runs on every write, twice.
     */
    static boolean isName(String value) {
        int length = value.length();
        if (length == 0 || length > 64) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Whether nothing but whitespace follows; bytes that are not even JSON count as something. */
    private static boolean atEnd(JsonParser parser) {
        try {
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String name(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            throw new InvalidException("'" + field + "' is missing");
        }
        if (value != JsonToken.VALUE_STRING || !isName(parser.getText())) {
            throw new InvalidException("'" + field + "' must be a string of " + NAME_RULE);
        }
        return parser.getText();
    }

    private static Long sequence(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            throw new InvalidException("'seq' is missing");
        }
        if (value != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || parser.getLongValue() < 0) {
            throw new InvalidException("'seq' must be a whole number, 0 or more");
        }
        return parser.getLongValue();
    }

    private static String locationOf(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json && json.getLocation() != null) {
            return json.getLocation().getLineNr() + ", column "
                    + json.getLocation().getColumnNr();
        }
        return "?";
    }
}
