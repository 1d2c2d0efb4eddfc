package io.hadr.app;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** {@code GET /}: which region and instance answered, as JSON for programs and HTML for browsers. */
@RestController
class InfoController {

    private final AppIdentity identity;
    private final ObjectProvider<DatabaseMonitor> database;

    InfoController(AppIdentity identity, ObjectProvider<DatabaseMonitor> database) {
        this.identity = identity;
        this.database = database;
    }

    @GetMapping(path = "/", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> info() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("region", identity.region());
        body.put("hostname", identity.hostname());
        body.put("instance", identity.instance());
        body.put("site", identity.siteName());
        body.put("siteHostname", identity.siteHostname());
        body.put("version", identity.version());
        body.put("startedAt", identity.startedAt().toString());
        DatabaseMonitor monitor = database.getIfAvailable();
        body.put("database", monitor == null ? Map.of("role", "not configured") : monitor.snapshot().toMap());
        return body;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    String page() {
        StringBuilder rows = new StringBuilder();
        info().forEach((key, value) -> rows.append("<tr><th>").append(HtmlUtils.htmlEscape(key)).append("</th><td>")
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
