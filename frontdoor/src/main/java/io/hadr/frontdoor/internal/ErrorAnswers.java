package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;

/**
 * The front door's own error answers, one shape for all of them (failures towards origins,
 * requests it refuses, its own failures): the status, Azure's {@code X-Azure-Ref} and
 * {@code X-Cache}, the error info in {@code X-Hadr-Error-Info}, and a JSON body that says what went
 * wrong in words, e.g.
 *
 * <pre>{"status":504,"error":"Gateway Timeout","errorInfo":"OriginTimeout",
 *  "message":"the origin did not answer within the origin response timeout","origin":"centralindia-0",
 *  "azureRef":"0..."}</pre>
 */
public final class ErrorAnswers {

    public static final String ERROR_INFO_HEADER = "X-Hadr-Error-Info";
    /** Azure's value when caching is not configured on the route. */
    static final String X_CACHE_VALUE = "CONFIG_NOCACHE";

    private ErrorAnswers() {}

    /** Sets the error answer's headers (content length included) and returns its body. */
    public static ByteBuffer prepare(
            HttpFields.Mutable headers, int status, ErrorInfo info, String message, String origin, String azureRef) {
        headers.put("X-Azure-Ref", azureRef);
        headers.put("X-Cache", X_CACHE_VALUE);
        headers.put(ERROR_INFO_HEADER, info.name());
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        byte[] body = json(status, info, message, origin, azureRef).getBytes(StandardCharsets.UTF_8);
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        return ByteBuffer.wrap(body);
    }

    /** The JSON body of an error answer; {@code origin} may be null. */
    public static String json(int status, ErrorInfo info, String message, String origin, String azureRef) {
        StringBuilder json = new StringBuilder(256).append("{\"status\":").append(status);
        field(json, "error", HttpStatus.getMessage(status));
        field(json, "errorInfo", info.name());
        field(json, "message", message == null ? info.description() : message);
        if (origin != null) {
            field(json, "origin", origin);
        }
        field(json, "azureRef", azureRef);
        return json.append("}\n").toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
