package io.hadr.frontdoor.internal;

import io.hadr.frontdoor.ErrorInfo;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors the server itself produces (a request it cannot parse, a request line or
 * headers over the limits, a failure of the front door's own code) with the front door's JSON
 * error answer instead of Jetty's HTML page. Such requests never reach an origin, and no origin is
 * blamed for them.
 */
public final class JsonErrorHandler extends ErrorHandler {

    private final AzureRefs azureRefs;
    private final FrontDoorMetrics metrics;

    public JsonErrorHandler(AzureRefs azureRefs, FrontDoorMetrics metrics) {
        this.azureRefs = azureRefs;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException httpException) {
            status = httpException.getCode();
        }
        if (status < HttpStatus.BAD_REQUEST_400 || status > 599) {
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
        }
        response.setStatus(status);
        ErrorInfo info = errorInfo(status);
        metrics.countErrorResponse(info);
        ByteBuffer body = ErrorAnswers.prepare(response.getHeaders(), status, info, message(status), null,
                azureRefs.next());
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, null, callback);
        } else {
            response.write(true, body, callback);
        }
        return true;
    }

    /** The body for an error found before any request object exists (e.g. an unparsable request line). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ErrorInfo info = errorInfo(status);
        metrics.countErrorResponse(info);
        return ErrorAnswers.prepare(fields, status, info, message(status), null, azureRefs.next());
    }

    private static ErrorInfo errorInfo(int status) {
        return status >= 500 ? ErrorInfo.UnspecifiedError : ErrorInfo.InvalidRequest;
    }

    /** What is wrong, in words; Jetty's own reasons can hold class names, so they go to the log only. */
    private static String message(int status) {
        return switch (status) {
            case HttpStatus.URI_TOO_LONG_414 -> "the request line is longer than the front door accepts";
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 ->
                    "the request headers are larger than the front door accepts (" + FrontDoorLimits.MAX_REQUEST_HEADERS_BYTES / 1024
                            + " KB in all)";
            case HttpStatus.BAD_REQUEST_400 -> "the request is not valid HTTP";
            default -> errorInfo(status).description();
        };
    }
}
