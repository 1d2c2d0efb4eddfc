package io.hadr.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * {@code POST /api/records} and {@code GET /api/records?writer=W}: the writes a drill makes and
 * reads back to count what a disaster lost. A write is acknowledged (201) only after its commit.
 *
 * <p>The read answers {@code {"writer":W,"records":[...],"count":N}}, streamed; {@code count} comes
 * last and equals the number of records sent, so a client can tell a whole answer from a cut
 * one. A database failure before anything reached the client is a 503; after that the response
 * is aborted (the connection closes without the end of the chunked body), never closed as if it
 * were whole: a short list that looks complete would count writes as lost that never were.
 *
 * <p>A plain servlet, like {@code GET /}: writes are what a drill's load is made of, and Spring
 * MVC's handler lookup, argument resolution and exception advice cost more per write than
 * reading the body and writing the answer. Failures become the app's JSON error shape here; any
 * other exception goes to the container's error page ({@link JsonErrorController}).
 */
final class RecordsServlet extends HttpServlet {

    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String NO_DATABASE = "no database is configured for this app (set HADR_DB_URL)";
    private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

    private final RecordStore store;
    private final JsonFactory json;
    private final ObjectMapper mapper;

    /** @param store the records, null when the app runs without a database (then 503) */
    RecordsServlet(RecordStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
        // A generator closed by mistake must not finish a document that was cut short.
        this.json = mapper.getFactory()
                .copy()
                .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!acceptsJson(request, response)) {
            return;
        }
        RecordStore.WriteResult result;
        try {
            // The body is read as JSON whatever the Content-Type says: `curl -d '{...}'` sends a form type.
            RecordRequest body = RecordRequest.parse(json, readBody(request.getInputStream()));
            result = store().write(body.id(), body.writer(), body.seq());
        } catch (BadRequestException | RecordRequest.InvalidException e) {
            error(request, response, HttpStatus.BAD_REQUEST, e.getMessage());
            return;
        } catch (RecordStore.RecordConflictException e) {
            error(request, response, HttpStatus.CONFLICT, e.getMessage());
            return;
        } catch (RecordStore.DatabaseUnavailableException e) {
            error(request, response, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(192);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            writeRecord(out, result.record());
        }
        response.setStatus(result.created() ? HttpServletResponse.SC_CREATED : HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(bytes.size());
        bytes.writeTo(response.getOutputStream());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!acceptsJson(request, response)) {
            return;
        }
        String writer = request.getParameter("writer");
        if (writer == null || !RecordRequest.isName(writer)) {
            error(request, response, HttpStatus.BAD_REQUEST, "give ?writer=NAME (" + RecordRequest.NAME_RULE + ")");
            return;
        }
        if (store == null) {
            error(request, response, HttpStatus.SERVICE_UNAVAILABLE, NO_DATABASE);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // Never closed on a failure: closing would write the brackets that make a cut list look whole.
        JsonGenerator out = json.createGenerator(response.getOutputStream());
        out.writeStartObject();
        out.writeStringField("writer", writer);
        out.writeArrayFieldStart("records");
        long count;
        try {
            count = store.streamByWriter(writer, record -> writeRecord(out, record));
        } catch (RecordStore.DatabaseUnavailableException e) {
            if (!response.isCommitted()) {
                // Nothing has left the app yet: what is buffered is dropped for the 503.
                error(request, response, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
                return;
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

    /** The answer is JSON: a client that accepts none (a browser's {@code Accept: text/html}) gets the JSON 406. */
    private static boolean acceptsJson(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (AcceptHeader.choose(request.getHeader("Accept"), JSON) != null) {
            return true;
        }
        response.sendError(HttpServletResponse.SC_NOT_ACCEPTABLE);
        return false;
    }

    /** The app's error shape ({@link ErrorBody}); 503s say when to retry. */
    private void error(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String message)
            throws IOException {
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            // Fail fast while the database is away (failover, outage): the client retries, nothing hangs.
            response.setHeader("Retry-After", "1");
        }
        ErrorBody.write(response, mapper, status, message, request.getRequestURI());
    }

    private RecordStore store() {
        if (store == null) {
            throw new RecordStore.DatabaseUnavailableException(NO_DATABASE);
        }
        return store;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequestException(
                    "the body is larger than " + MAX_BODY_BYTES / 1024 + " KB; a record is " + RecordRequest.SHAPE);
        }
        return bytes;
    }

    /** A request the app will not serve as sent (400). */
    static final class BadRequestException extends RuntimeException {
        BadRequestException(String message) {
            super(message);
        }
    }

    /**
     * A read failed after part of the answer reached the client. Nothing handles it on purpose:
     * it leaves the servlet, and Tomcat, finding the response committed, closes the connection
     * without the chunked body's last chunk, so the client's read fails instead of ending.
     */
    static final class ReadAbortedException extends RuntimeException {
        ReadAbortedException(String writer, RecordStore.DatabaseUnavailableException failure) {
            super(
                    "read of writer '" + writer + "' aborted after the response had started: " + failure.getMessage(),
                    failure.getCause());
        }
    }
}
