package io.hadr.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the control API writes its JSON answers, its own and the ones Jetty makes for errors. */
final class ControlReplies {

    private static final Logger log = LoggerFactory.getLogger(ControlReplies.class);
    private static final ObjectMapper JSON = Json.mapper();

    private ControlReplies() {}

    /** An error, with the HTTP status its code stands for. */
    static void reply(Response response, Callback callback, ControlError error) {
        reply(response, callback, error.code().httpStatus(), error);
    }

    /** A record as JSON. */
    static void reply(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            log.warn("cannot write a control answer", e);
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** 405 with the methods the path allows. */
    static void methodNotAllowed(Request request, Response response, Callback callback, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        reply(
                response,
                callback,
                ControlError.of(
                        ControlError.Code.METHOD_NOT_ALLOWED,
                        request.getMethod() + " is not allowed on " + ControlCall.pathOf(request) + "; use "
                                + allowed));
    }

    /** Errors Jetty answers itself (a malformed request, a failure before any endpoint ran): JSON too. */
    static final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object status = request.getAttribute(ERROR_STATUS);
            int code = status instanceof Integer i ? i : response.getStatus();
            Object message = request.getAttribute(ERROR_MESSAGE);
            ControlError.Code kind = code >= 500 ? ControlError.Code.FAILED : ControlError.Code.BAD_REQUEST;
            reply(
                    response,
                    callback,
                    code,
                    new ControlError(
                            kind, message == null ? HttpStatus.getMessage(code) : message.toString(), null, null));
            return true;
        }
    }
}
