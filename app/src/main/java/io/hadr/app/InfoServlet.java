package io.hadr.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /}: which region and instance answered, as JSON for programs and HTML for browsers.
 *
 * <p>This is the path every probe-like check, drill read and user hits, so it is a plain servlet
 * mapped to the root alone (Spring MVC's handler lookup, argument resolution and content
 * negotiation cost more than the answer) and computes nothing per request: the JSON is rendered
 * once per database snapshot (the monitor takes one a second) and written as bytes with a
 * Content-Length. The region headers and the Front Door lockdown still apply: they are a filter
 * in front of every servlet.
 */
final class InfoServlet extends HttpServlet {

    /** The body for one database snapshot; the snapshot object's identity says when to render again. */
    private record Rendered(DatabaseMonitor.Snapshot snapshot, byte[] json) {}

    private static final Map<String, Object> NO_DATABASE = Map.of("role", "not configured");
    private static final List<MediaType> OFFERED = List.of(MediaType.APPLICATION_JSON, MediaType.TEXT_HTML);

    private final AppIdentity identity;
    private final DatabaseMonitor database;
    private final ObjectMapper json;
    private volatile Rendered rendered;

    /** @param database the monitor, or null when the app runs without a database */
    InfoServlet(AppIdentity identity, DatabaseMonitor database, ObjectMapper json) {
        this.identity = identity;
        this.database = database;
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        MediaType type = negotiate(request.getHeader("Accept"));
        if (type == null) {
            // The error page answers in JSON, as for every other error.
            response.sendError(HttpServletResponse.SC_NOT_ACCEPTABLE);
            return;
        }
        byte[] body = type == MediaType.APPLICATION_JSON ? json() : page().getBytes(StandardCharsets.UTF_8);
        response.setContentType(type == MediaType.APPLICATION_JSON ? "application/json" : "text/html;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * JSON unless the client prefers HTML (a browser); null when it accepts neither. Programs
     * (curl, wrk, the drills) send no Accept or {@code *}{@code /*}: answered without parsing.
     */
    static MediaType negotiate(String accept) {
        return AcceptHeader.choose(accept, OFFERED);
    }

    private byte[] json() {
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

    private String page() {
        StringBuilder rows = new StringBuilder();
        info(database == null ? null : database.snapshot())
                .forEach((key, value) -> rows.append("<tr><th>")
                        .append(HtmlUtils.htmlEscape(key))
                        .append("</th><td>")
                        .append(HtmlUtils.htmlEscape(String.valueOf(value)))
                        .append("</td></tr>\n"));
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
