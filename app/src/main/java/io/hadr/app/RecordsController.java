package io.hadr.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/records} and {@code GET /api/records?writer=W}: the writes a drill makes and
 * reads back to count what a disaster lost. A write is acknowledged (201) only after its commit.
 *
 * <p>The read answers {@code {"writer":W,"records":[...],"count":N}}, streamed; {@code count} comes
 * last and equals the number of records sent, so a client can tell a whole answer from a cut
 * one. A database failure before anything reached the client is a 503; after that the response
 * is aborted (the connection closes without the end of the chunked body), never closed as if it
 * were whole: a short list that looks complete would count writes as lost that never were.
 */
@RestController
class RecordsController {

    static final int MAX_BODY_BYTES = 16 * 1024;

    private final RecordStore store;
    private final JsonFactory json;

    /** @param store the records, absent when the app runs without a database (then 503) */
    RecordsController(ObjectProvider<RecordStore> store, ObjectMapper mapper) {
        // Looked up once: a lookup per request costs more than parsing the request.
        this.store = store.getIfAvailable();
        // A generator closed by mistake must not finish a document that was cut short.
        this.json = mapper.getFactory()
                .copy()
                .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @PostMapping(path = "/api/records", produces = MediaType.APPLICATION_JSON_VALUE)
    void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The body is read as JSON whatever the Content-Type says: `curl -d '{...}'` sends a form type.
        RecordRequest body = RecordRequest.parse(json, readBody(request.getInputStream()));
        RecordStore.WriteResult result = store().write(body.id(), body.writer(), body.seq());
        // Written straight out: Spring's message converters and body advice cost more than the JSON.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(192);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            writeRecord(out, result.record());
        }
        response.setStatus(result.created() ? HttpServletResponse.SC_CREATED : HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(bytes.size());
        bytes.writeTo(response.getOutputStream());
    }

    @GetMapping(path = "/api/records", produces = MediaType.APPLICATION_JSON_VALUE)
    void byWriter(@RequestParam(name = "writer", required = false) String writer, HttpServletResponse response)
            throws IOException {
        if (writer == null || !RecordRequest.NAME.matcher(writer).matches()) {
            throw new BadRequestException(
                    HttpStatus.BAD_REQUEST, "give ?writer=NAME (1-64 letters, digits, '.', '_', ':' or '-')");
        }
        RecordStore records = store();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // Never closed on a failure: closing would write the brackets that make a cut list look whole.
        JsonGenerator out = json.createGenerator(response.getOutputStream());
        out.writeStartObject();
        out.writeStringField("writer", writer);
        out.writeArrayFieldStart("records");
        long count;
        try {
            count = records.streamByWriter(writer, record -> writeRecord(out, record));
        } catch (RecordStore.DatabaseUnavailableException e) {
            if (!response.isCommitted()) {
                // Nothing has left the app yet: drop what is buffered and answer 503 instead.
                response.resetBuffer();
                throw e;
            }
            throw new ReadAbortedException(writer, e);
        } catch (UncheckedIOException e) {
            // The client went away; there is nobody left to tell.
            throw e.getCause();
        }
        out.writeEndArray();
        out.writeNumberField("count", count);
        out.writeEndObject();
        out.close();
    }

    private static void writeRecord(JsonGenerator out, RecordStore.StoredRecord record) throws IOException {
        out.writeStartObject();
        out.writeStringField("id", record.id());
        out.writeStringField("writer", record.writer());
        out.writeNumberField("seq", record.seq());
        out.writeStringField("region", record.region());
        out.writeStringField("committedAt", record.committedAt().toString());
        out.writeEndObject();
    }

    private RecordStore store() {
        if (store == null) {
            throw new RecordStore.DatabaseUnavailableException(
                    "no database is configured for this app (set HADR_DB_URL)");
        }
        return store;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequestException(
                    HttpStatus.BAD_REQUEST,
                    "the body is larger than " + MAX_BODY_BYTES / 1024 + " KB; a record is " + RecordRequest.SHAPE);
        }
        return bytes;
    }

    /** A request the app will not serve as sent. */
    static final class BadRequestException extends RuntimeException {
        final HttpStatus status;

        BadRequestException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * A read failed after part of the answer reached the client. Nothing handles it on purpose:
     * it leaves the servlet, and Tomcat, finding the response committed, closes the connection
     * without the chunked body's last chunk, so the client's read fails instead of ending.
     */
    static final class ReadAbortedException extends RuntimeException {
        ReadAbortedException(String writer, RecordStore.DatabaseUnavailableException failure) {
            // Not caused by the DatabaseUnavailableException itself: Spring matches exception
            // handlers against causes too, and its 503 handler would append a body to the cut one.
            super(
                    "read of writer '" + writer + "' aborted after the response had started: " + failure.getMessage(),
                    failure.getCause());
        }
    }
}
