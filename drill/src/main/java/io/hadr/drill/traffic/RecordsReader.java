package io.hadr.drill.traffic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a writer's records back through the endpoint ({@code GET /api/records?writer=W}) and
 * trusts an answer only when it is whole: a complete JSON document whose {@code count}, written
 * last, equals the number of records received. A stream that breaks part-way is a failed read to
 * retry, never "these are all the records" — a short answer would report writes as lost that
 * never were.
 */
public final class RecordsReader {

    private static final JsonFactory JSON = new JsonFactory();

    private final HttpClient client;
    private final URI endpoint;
    private final Duration timeout;

    public RecordsReader(HttpClient client, URI endpoint, Duration timeout) {
        this.client = client;
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** One record as the serving database holds it. */
    public record StoredRecord(String id, String writer, long seq, String region, String committedAt) {}

    /** A writer's records, read whole. */
    public record ReadBack(String writer, List<StoredRecord> records, int attempts) {}

    /** No whole answer could be had. */
    public static final class ReadFailedException extends Exception {
        public ReadFailedException(String message) {
            super(message);
        }
    }

    /**
     * Reads a writer's records, retrying failed or broken answers until {@code deadline} has passed
     * or {@code attempts} were made, whichever comes first.
     *
     * @param onRetry told the reason of each failed attempt, for progress lines
     */
    public ReadBack read(String writer, int attempts, Duration deadline, Consumer<String> onRetry)
            throws ReadFailedException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        String lastReason = "no attempt made";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return new ReadBack(writer, readOnce(writer), attempt);
            } catch (ReadFailedException e) {
                lastReason = e.getMessage();
                onRetry.accept("reading back " + writer + " failed (attempt " + attempt + " of " + attempts + "): "
                        + lastReason);
            }
            long left = end - System.nanoTime();
            if (left <= 0 || attempt == attempts) {
                break;
            }
            Thread.sleep(Math.min(left / 1_000_000, 500L * attempt));
        }
        throw new ReadFailedException("could not read back writer " + writer + " whole within " + deadline.toSeconds()
                + "s (" + attempts + " attempts at most); last failure: " + lastReason);
    }

    /** One attempt. */
    public List<StoredRecord> readOnce(String writer) throws ReadFailedException, InterruptedException {
        URI uri = endpoint.resolve("/api/records?writer=" + URLEncoder.encode(writer, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ReadFailedException(LoadGenerator.classify(e));
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new ReadFailedException("HTTP " + response.statusCode());
            }
            return parse(writer, body);
        } catch (IOException e) {
            throw new ReadFailedException("the answer broke off: " + LoadGenerator.classify(e));
        }
    }

    /**
     * Parses {@code {"writer":"W","records":[...],"count":N}} and checks that it is whole.
     *
     * @throws ReadFailedException for any document that is not whole, not this writer's, or miscounted
     */
    static List<StoredRecord> parse(String writer, InputStream body) throws ReadFailedException, IOException {
        List<StoredRecord> records = null;
        Long count = null;
        String answeredWriter = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ReadFailedException("the answer is not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "writer" -> answeredWriter = parser.getValueAsString();
                    case "records" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new ReadFailedException("'records' is not a list");
                        }
                        records = new ArrayList<>();
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            records.add(record(parser));
                        }
                        if (parser.currentToken() != JsonToken.END_ARRAY) {
                            throw new ReadFailedException("'records' holds something other than records");
                        }
                    }
                    case "count" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw new ReadFailedException("'count' is not a whole number");
                        }
                        if (records == null) {
                            throw new ReadFailedException("'count' came before 'records'");
                        }
                        count = parser.getLongValue();
                    }
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new ReadFailedException("the answer did not end where a whole document ends");
            }
            if (parser.nextToken() != null) {
                throw new ReadFailedException("the answer has more after the document");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ReadFailedException("the answer is not a whole JSON document: " + e.getOriginalMessage());
        }
        if (!writer.equals(answeredWriter)) {
            throw new ReadFailedException("the answer is for writer '" + answeredWriter + "', not '" + writer + "'");
        }
        if (records == null || count == null) {
            throw new ReadFailedException("the answer lacks " + (records == null ? "'records'" : "'count'"));
        }
        if (count != records.size()) {
            throw new ReadFailedException(
                    "the answer says count " + count + " but holds " + records.size() + " records");
        }
        return records;
    }

    private static StoredRecord record(JsonParser parser) throws IOException, ReadFailedException {
        String id = null;
        String writer = null;
        long seq = -1;
        String region = null;
        String committedAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "id" -> id = parser.getValueAsString();
                case "writer" -> writer = parser.getValueAsString();
                case "seq" -> seq = parser.getValueAsLong(-1);
                case "region" -> region = parser.getValueAsString();
                case "committedAt" -> committedAt = parser.getValueAsString();
                default -> parser.skipChildren();
            }
        }
        if (id == null) {
            throw new ReadFailedException("a record has no id");
        }
        return new StoredRecord(id, writer, seq, region, committedAt);
    }
}
