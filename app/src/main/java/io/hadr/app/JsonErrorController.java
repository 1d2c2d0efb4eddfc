package io.hadr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every error the container or Spring produces (404, 405, 406, 415, 500, ...) as the same small
 * JSON body as the app's own errors: status, reason, a sentence, path. Never a stack trace or a
 * class name. It writes the body itself, whatever the request's {@code Accept} says: a client that
 * asked for a type the app cannot give (406) still gets a readable JSON answer rather than none.
 */
@RestController
class JsonErrorController implements ErrorController {

    private final ObjectMapper json;

    JsonErrorController(ObjectMapper json) {
        this.json = json;
    }

    @RequestMapping(path = "/error")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            // Part of an answer already left (a read cut short): appending an error would only
            // disguise the cut; the container closes the connection instead.
            return;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        ErrorBody.write(response, json, status, message(status), path == null ? "" : path.toString());
    }

    private static String message(HttpStatus status) {
        return switch (status) {
            case METHOD_NOT_ALLOWED -> "this path does not take that method";
            case NOT_ACCEPTABLE ->
                "this path answers application/json (and text/html at /); send Accept: application/json";
            case UNSUPPORTED_MEDIA_TYPE -> "this path does not take a body of that Content-Type";
            case INTERNAL_SERVER_ERROR -> "the app failed to answer; its log says why";
            default -> null;
        };
    }
}
