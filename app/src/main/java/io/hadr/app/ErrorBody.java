package io.hadr.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * The app's one error shape, for its own failures and the container's alike: status, reason, a
 * sentence that says what to do (left out when there is none), path. Never a stack trace or a
 * class name.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ErrorBody(int status, String error, String message, String path) {

    /** Answers with this shape, replacing whatever was buffered. */
    static void write(HttpServletResponse response, ObjectMapper json, HttpStatus status, String message, String path)
            throws IOException {
        byte[] bytes = json.writeValueAsBytes(new ErrorBody(status.value(), status.getReasonPhrase(), message, path));
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
