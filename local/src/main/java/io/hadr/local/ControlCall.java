package io.hadr.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.PathMappingsHandler;

/**
 * One control request's parameters, parsed where an operation reads them: what cannot be parsed
 * is the client's error ({@link BadRequest}, answered 400).
 */
final class ControlCall {

    private static final ObjectMapper JSON = Json.mapper();
    /** Request bodies are small records; anything larger is not one of them. */
    private static final int MAX_BODY = 64 * 1024;

    /** Input the operation cannot accept: answered 400. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Request request;
    private final Map<String, String> pathParameters;

    ControlCall(Request request) {
        this.request = request;
        Object spec = request.getAttribute(PathMappingsHandler.PATHSPEC_ATTR);
        this.pathParameters =
                spec instanceof UriTemplatePathSpec template ? template.getPathParams(pathOf(request)) : Map.of();
    }

    /**
     * The request's whole path. The path mappings hand each endpoint a request whose context is the
     * matched part, so the path in that context is what follows it; the API has no context path.
     */
    static String pathOf(Request request) {
        return request.getHttpURI().getDecodedPath();
    }

    /** A parameter of the path template, e.g. {@code region} in {@code /v1/apps/{region}/{action}}. */
    String path(String name) {
        return pathParameters.get(name);
    }

    /** A path parameter parsed by {@code parse}; its {@link IllegalArgumentException} is a bad request. */
    <T> T path(String name, Function<String, T> parse) {
        try {
            return parse.apply(path(name));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage(), e);
        }
    }

    /** The body as a {@code type}, read strictly. */
    <T> T body(Class<T> type) {
        if (request.getLength() > MAX_BODY) {
            throw new BadRequest("the body is larger than " + MAX_BODY + " bytes", null);
        }
        try {
            String text = Content.Source.asString(request, StandardCharsets.UTF_8);
            if (text.length() > MAX_BODY) {
                throw new BadRequest("the body is larger than " + MAX_BODY + " bytes", null);
            }
            // Strict, unlike answers: a misspelt field or trailing text is a mistake to report, not to ignore.
            T value = JSON.readerFor(type)
                    .with(
                            DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                            DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                            DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .readValue(text);
            if (value == null) {
                throw new BadRequest("the body must be a " + type.getSimpleName() + " object", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            // A record's own check (e.g. a weight out of range) is the clearest message there is.
            Throwable cause = e.getCause() instanceof IllegalArgumentException bad ? bad : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new BadRequest("the body is not a valid " + type.getSimpleName() + ": " + message, e);
        } catch (IOException e) {
            throw new BadRequest("the body could not be read: " + e.getMessage(), e);
        }
    }
}
