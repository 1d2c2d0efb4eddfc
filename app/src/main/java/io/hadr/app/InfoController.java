package io.hadr.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /}: which region and instance answered, as JSON for programs and HTML for browsers.
 *
 * <p>This is the path every drill read and every user hits, so it computes nothing per request:
 * the JSON is rendered once per database snapshot (the monitor takes one a second) and written as
 * bytes with a Content-Length, without a map, a serializer or a chunked body per request.
 */
@RestController
class InfoController {

    /** The body for one database snapshot; the snapshot object's identity says when to render again. */
    private record Rendered(DatabaseMonitor.Snapshot snapshot, byte[] json) {}

    private static final Map<String, Object> NO_DATABASE = Map.of("role", "not configured");

    private final AppIdentity identity;
    private final DatabaseMonitor database;
    private final ObjectMapper json;
    private volatile Rendered rendered;

    InfoController(AppIdentity identity, ObjectProvider<DatabaseMonitor> database, ObjectMapper json) {
        this.identity = identity;
        this.database = database.getIfAvailable();
        this.json = json;
    }

    @GetMapping(path = "/", produces = MediaType.APPLICATION_JSON_VALUE)
    void info(HttpServletResponse response) throws IOException {
        byte[] body = body();
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private byte[] body() {
        DatabaseMonitor.Snapshot snapshot = database == null ? null : database.snapshot();
        Rendered current = rendered;
        if (current == null || current.snapshot() != snapshot) {
            // Two threads may render the same snapshot at once; both results are equal.
            try {
                current = new Rendered(snapshot, json.writeValueAsBytes(info(snapshot)));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            rendered = current;
        }
        return current.json();
    }

    private Map<String, Object> info(DatabaseMonitor.Snapshot snapshot) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("region", identity.region());
        body.put("hostname", identity.hostname());
        body.put("instance", identity.instance());
        body.put("site", identity.siteName());
        body.put("siteHostname", identity.siteHostname());
        body.put("version", identity.version());
        body.put("startedAt", identity.startedAt().toString());
        body.put("database", snapshot == null ? NO_DATABASE : snapshot.toMap());
        return body;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    String page() {
        StringBuilder rows = new StringBuilder();
        info(database == null ? null : database.snapshot()).forEach((key, value) -> rows.append("<tr><th>")
                .append(HtmlUtils.htmlEscape(key)).append("</th><td>")
                .append(HtmlUtils.htmlEscape(String.valueOf(value))).append("</td></tr>\n"));
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>hadr · %s</title>
                <style>body{font-family:system-ui,sans-serif;margin:3rem;color:#222}
                h1{font-weight:600}th{text-align:left;padding:.3rem 1.5rem .3rem 0;color:#555}td{font-family:monospace}</style>
                </head><body>
                <h1>Served from %s</h1>
                <table>
                %s</table>
                </body></html>
                """.formatted(HtmlUtils.htmlEscape(identity.region()), HtmlUtils.htmlEscape(identity.region()), rows);
    }
}
