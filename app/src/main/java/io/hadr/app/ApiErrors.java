package io.hadr.app;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Where failures become HTTP statuses: one place, one JSON shape, nothing internal leaked. */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler(RecordsController.BadRequestException.class)
    ResponseEntity<Map<String, Object>> badRequest(
            RecordsController.BadRequestException e, HttpServletRequest request) {
        return body(e.status, e.getMessage(), request, null);
    }

    @ExceptionHandler(RecordRequest.InvalidException.class)
    ResponseEntity<Map<String, Object>> invalidBody(RecordRequest.InvalidException e, HttpServletRequest request) {
        return body(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
    }

    @ExceptionHandler(RecordStore.RecordConflictException.class)
    ResponseEntity<Map<String, Object>> conflict(RecordStore.RecordConflictException e, HttpServletRequest request) {
        return body(HttpStatus.CONFLICT, e.getMessage(), request, null);
    }

    /** Fail fast while the database is away (failover, outage): the client retries, nothing hangs. */
    @ExceptionHandler(RecordStore.DatabaseUnavailableException.class)
    ResponseEntity<Map<String, Object>> unavailable(
            RecordStore.DatabaseUnavailableException e, HttpServletRequest request) {
        return body(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), request, "1");
    }

    private static ResponseEntity<Map<String, Object>> body(
            HttpStatus status, String message, HttpServletRequest request, String retryAfter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", status.getReasonPhrase());
        body.put("message", message);
        body.put("path", request.getRequestURI());
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return builder.body(body);
    }
}
