package io.hadr.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code POST /api/records} and {@code GET /api/records?writer=W}: the writes a drill makes and
 * reads back to count what a disaster lost. A write is acknowledged (201) only after its commit.
 */
@RestController
class RecordsController {

    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> FIELDS = Set.of("id", "writer", "seq");

    private final ObjectProvider<RecordStore> store;
    private final ObjectMapper json;

    RecordsController(ObjectProvider<RecordStore> store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @PostMapping(path = "/api/records", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(HttpServletRequest request) throws IOException {
        // The body is read as JSON whatever the Content-Type says: `curl -d '{...}'` sends a form type.
        JsonNode body = readBody(request.getInputStream());
        String id = name(body, "id");
        String writer = name(body, "writer");
        long seq = sequence(body);
        RecordStore.WriteResult result = store().write(id, writer, seq);
        return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK).body(toMap(result.record()));
    }

    @GetMapping(path = "/api/records", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<StreamingResponseBody> byWriter(@RequestParam(name = "writer", required = false) String writer) {
        if (writer == null || !NAME.matcher(writer).matches()) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST,
                    "give ?writer=NAME (1-64 letters, digits, '.', '_', ':' or '-')");
        }
        RecordStore records = store();
        StreamingResponseBody stream = out -> {
            try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
                generator.writeStartArray();
                records.streamByWriter(writer, record -> {
                    generator.writeObject(toMap(record));
                });
                generator.writeEndArray();
            }
        };
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(stream);
    }

    private RecordStore store() {
        RecordStore records = store.getIfAvailable();
        if (records == null) {
            throw new RecordStore.DatabaseUnavailableException("no database is configured for this app (set HADR_DB_URL)");
        }
        return records;
    }

    private JsonNode readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "the body is larger than " + MAX_BODY_BYTES / 1024
                    + " KB; a record is {\"id\",\"writer\",\"seq\"}");
        }
        JsonNode body;
        try {
            body = json.readTree(bytes);
        } catch (IOException e) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "the body is not JSON; send {\"id\":\"...\",\"writer\":\"...\",\"seq\":1}");
        }
        if (body == null || !body.isObject()) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "the body must be a JSON object {\"id\",\"writer\",\"seq\"}");
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new BadRequestException(HttpStatus.BAD_REQUEST, "unknown field '" + field + "'; a record has id, writer and seq");
            }
        });
        return body;
    }

    private static String name(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "'" + field + "' is missing");
        }
        if (value.getNodeType() != JsonNodeType.STRING || !NAME.matcher(value.asText()).matches()) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "'" + field
                    + "' must be a string of 1-64 letters, digits, '.', '_', ':' or '-'");
        }
        return value.asText();
    }

    private static long sequence(JsonNode body) {
        JsonNode value = body.get("seq");
        if (value == null || value.isNull()) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "'seq' is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "'seq' must be a whole number, 0 or more");
        }
        return value.asLong();
    }

    private static Map<String, Object> toMap(RecordStore.StoredRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", record.id());
        map.put("writer", record.writer());
        map.put("seq", record.seq());
        map.put("region", record.region());
        map.put("committedAt", record.committedAt().toString());
        return map;
    }

    /** A request the app will not serve as sent. */
    static final class BadRequestException extends RuntimeException {
        final HttpStatus status;

        BadRequestException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }
}
