package io.hadr.azure.internal;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.hadr.azure.AzureException;
import io.hadr.azure.AzureTarget;
import io.hadr.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Azure Resource Manager over azure-core's HTTP pipeline (token, request id, retries of
 * throttled and failed idempotent requests), with ARM's long-running operation protocol:
 * {@code Azure-AsyncOperation} status polling, {@code Location} polling and
 * {@code provisioningState} polling, each bounded by a deadline. Every failure becomes one
 * {@link AzureException} naming the operation, the resource and Azure's error code.
 *
 * <p>hadr calls ARM's REST API directly with pinned api-versions instead of the resource
 * manager SDKs: Front Door Standard lives only in the CDN SDK's generated inner clients, the SQL
 * SDK cannot send {@code tryPlannedBeforeForcedFailover}, and each SDK pins an api-version older
 * than the one the template is validated against.
 */
public final class ArmClient {

    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "canceled", "cancelled");
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);
    private static final HttpHeaderName ASYNC_OPERATION = HttpHeaderName.fromString("Azure-AsyncOperation");
    private static final HttpHeaderName RETRY_AFTER = HttpHeaderName.fromString("Retry-After");

    private final HttpPipeline pipeline;
    private final URI endpoint;
    private final Clock clock;
    private final Sleeper sleeper;
    private final PollSettings poll;

    public ArmClient(HttpPipeline pipeline, URI endpoint, Clock clock, Sleeper sleeper, PollSettings poll) {
        this.pipeline = pipeline;
        this.endpoint = endpoint;
        this.clock = clock;
        this.sleeper = sleeper;
        this.poll = poll;
    }

    /** A client for a target, with a bearer token from {@code credential} on every request. */
    public static ArmClient create(AzureTarget target, TokenCredential credential, HttpClient httpClient) {
        return new ArmClient(
                pipeline(credential, target.scope(), httpClient),
                target.armEndpoint(),
                Clock.systemUTC(),
                Sleeper.REAL,
                PollSettings.DEFAULT);
    }

    /**
     * The pipeline: user agent, request id, retries (a POST only when Azure throttled it, since a
     * retried failover could run twice), then the bearer token, which azure-core sends only over HTTPS.
     */
    public static HttpPipeline pipeline(TokenCredential credential, String scope, HttpClient httpClient) {
        RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(4)
                        .setBaseDelay(Duration.ofSeconds(1))
                        .setMaxDelay(Duration.ofSeconds(30)))
                .setShouldRetryCondition(condition -> {
                    HttpResponse response = condition.getResponse();
                    if (response == null) {
                        return false;
                    }
                    int status = response.getStatusCode();
                    boolean idempotent = response.getRequest().getHttpMethod() != HttpMethod.POST;
                    return status == 429 || (idempotent && RETRYABLE.contains(status));
                });
        List<HttpPipelinePolicy> policies =
                new ArrayList<>(List.of(new UserAgentPolicy("hadr"), new RequestIdPolicy(), new RetryPolicy(retry)));
        if (credential != null) {
            policies.add(new BearerTokenAuthenticationPolicy(credential, scope));
        }
        return new HttpPipelineBuilder()
                .httpClient(httpClient)
                .policies(policies.toArray(HttpPipelinePolicy[]::new))
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public Clock clock() {
        return clock;
    }

    /** GETs a resource; a missing one is an {@link AzureException} with status 404. */
    public JsonNode get(String path, String apiVersion) {
        Reply reply = send(HttpMethod.GET, url(path, apiVersion), null);
        if (reply.status() != 200) {
            throw failure(operationName(HttpMethod.GET, path), path, reply);
        }
        return reply.json();
    }

    /** GETs a resource, or nothing when Azure answers 404. */
    public Optional<JsonNode> find(String path, String apiVersion) {
        Reply reply = send(HttpMethod.GET, url(path, apiVersion), null);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (reply.status() != 200) {
            throw failure(operationName(HttpMethod.GET, path), path, reply);
        }
        return Optional.of(reply.json());
    }

    /** Creates or replaces a resource and waits until Azure has provisioned it; returns it as Azure now has it. */
    public JsonNode put(String path, String apiVersion, JsonNode body, Duration deadline, Consumer<String> progress) {
        return longRunning(HttpMethod.PUT, path, apiVersion, body, deadline, progress);
    }

    /** Updates a resource and waits until Azure has applied the change; returns it as Azure now has it. */
    public JsonNode patch(String path, String apiVersion, JsonNode body, Duration deadline, Consumer<String> progress) {
        return longRunning(HttpMethod.PATCH, path, apiVersion, body, deadline, progress);
    }

    /** Runs an action and waits for it; returns the action's result, or null when it has none. */
    public JsonNode post(String path, String apiVersion, JsonNode body, Duration deadline, Consumer<String> progress) {
        return longRunning(HttpMethod.POST, path, apiVersion, body, deadline, progress);
    }

    /** Sends a request without waiting for the operation it starts; returns Azure's first answer. */
    public JsonNode begin(HttpMethod method, String path, String apiVersion, JsonNode body) {
        Reply reply = send(method, url(path, apiVersion), body);
        if (reply.status() >= 300) {
            throw failure(operationName(method, path), path, reply);
        }
        return reply.json();
    }

    /** Deletes a resource and waits until it is gone; a resource that is already gone is fine. */
    public void delete(String path, String apiVersion, Duration deadline, Consumer<String> progress) {
        longRunning(HttpMethod.DELETE, path, apiVersion, null, deadline, progress);
    }

    /**
     * Polls {@code check} until it returns a value (not null), waiting between polls as for a
     * long-running operation, and fails with {@code what} and the last answer after the deadline.
     */
    public <T> T await(String what, Duration deadline, java.util.function.Supplier<T> check) {
        Instant start = clock.instant();
        Instant end = start.plus(deadline);
        AzureException lastCause = null;
        int attempt = 0;
        while (true) {
            try {
                T value = check.get();
                if (value != null) {
                    return value;
                }
            } catch (AzureException e) {
                lastCause = e;
            }
            Instant now = clock.instant();
            if (!now.isBefore(end)) {
                throw new AzureException(
                        what + " did not happen within " + Durations.words(Duration.between(start, now))
                                + (lastCause == null ? "" : "; last error: " + lastCause.getMessage()),
                        lastCause);
            }
            // Quick changes are seen quickly, long ones are not polled harder than the default interval.
            Duration wait =
                    Duration.ofMillis(Math.min(poll.defaultInterval().toMillis(), 250L << Math.min(attempt++, 10)));
            Duration left = Duration.between(now, end);
            try {
                sleeper.sleep(wait.compareTo(left) > 0 ? left : wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AzureException("interrupted while waiting until " + what, e);
            }
        }
    }

    /** One request through the pipeline to any URL (e.g. an app's deployment endpoint), without ARM's conventions. */
    public Reply send(HttpMethod method, URI url, byte[] body, String contentType) {
        HttpRequest request = new HttpRequest(method, url.toString());
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, contentType);
            request.setBody(body);
        }
        try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
            BinaryData data = response.getBodyAsBinaryData();
            byte[] bytes = data == null ? new byte[0] : data.toBytes();
            return new Reply(response.getStatusCode(), response.getHeaders(), bytes);
        } catch (com.azure.core.exception.ClientAuthenticationException e) {
            throw new AzureException(
                    "no Azure credentials for " + url.getHost() + ": run 'az login' (and 'az account set"
                            + " --subscription ...'), or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET, or run where a managed"
                            + " identity is available (" + describe(e) + ")",
                    e);
        } catch (UncheckedIOException e) {
            throw new AzureException(
                    method + " " + url.getHost() + url.getPath() + " failed: " + describe(e.getCause()), e);
        } catch (RuntimeException e) {
            if (e instanceof AzureException) {
                throw e;
            }
            throw new AzureException(method + " " + url.getHost() + url.getPath() + " failed: " + describe(e), e);
        }
    }

    private Reply send(HttpMethod method, URI url, JsonNode body) {
        byte[] bytes;
        try {
            bytes = body == null ? null : Json.mapper().writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise a request body: " + e.getMessage(), e);
        }
        return send(method, url, bytes, "application/json");
    }

    private JsonNode longRunning(
            HttpMethod method,
            String path,
            String apiVersion,
            JsonNode body,
            Duration deadline,
            Consumer<String> progress) {
        String operation = operationName(method, path);
        Instant start = clock.instant();
        Reply first = send(method, url(path, apiVersion), body);
        if (method == HttpMethod.DELETE && first.status() == 404) {
            return null;
        }
        if (first.status() >= 300) {
            throw failure(operationName(method, path), path, first);
        }
        Poll state = new Poll(operation, path, start, start.plus(deadline), progress);
        String asyncUrl = first.headers().getValue(ASYNC_OPERATION);
        String location = first.headers().getValue(HttpHeaderName.LOCATION);
        boolean accepted = first.status() == 201 || first.status() == 202;
        if (asyncUrl != null && (accepted || !terminal(first.json()))) {
            waitForAsyncOperation(resolve(asyncUrl), state, first);
            return finalResult(method, path, apiVersion, location);
        }
        if (location != null && first.status() == 202) {
            return waitForLocation(resolve(location), state, first);
        }
        if ((method == HttpMethod.PUT || method == HttpMethod.PATCH) && !terminal(first.json())) {
            return waitForProvisioning(path, apiVersion, state, first);
        }
        return first.body().length == 0 ? null : first.json();
    }

    private JsonNode finalResult(HttpMethod method, String path, String apiVersion, String location) {
        if (method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            return get(path, apiVersion);
        }
        if (method == HttpMethod.POST && location != null) {
            Reply reply = send(HttpMethod.GET, resolve(location), null);
            if (reply.status() >= 300) {
                throw failure("GET result of " + operationName(method, path), path, reply);
            }
            return reply.body().length == 0 ? null : reply.json();
        }
        return null;
    }

    private void waitForAsyncOperation(URI url, Poll state, Reply previous) {
        Reply last = previous;
        while (true) {
            state.sleepAfter(last);
            last = pollOnce(url, state);
            if (last == null) {
                continue;
            }
            if (last.status() >= 300) {
                throw failure("GET status of " + state.operation, state.path, last);
            }
            JsonNode status = last.json();
            String word = status.path("status").asText("");
            if ("succeeded".equalsIgnoreCase(word)) {
                return;
            }
            if (TERMINAL.contains(word.toLowerCase(Locale.ROOT))) {
                ErrorInfo error = ErrorInfo.of(status);
                throw AzureException.of(
                        state.operation,
                        ResourcePath.parse(state.path).describe(),
                        0,
                        error.code() == null ? word : error.code(),
                        error.message() == null ? "the operation ended " + word : error.message());
            }
            state.progress(word);
        }
    }

    private JsonNode waitForLocation(URI url, Poll state, Reply previous) {
        Reply last = previous;
        while (true) {
            state.sleepAfter(last);
            last = pollOnce(url, state);
            if (last == null || last.status() == 202) {
                state.progress("InProgress");
                continue;
            }
            if (last.status() >= 300) {
                throw failure(state.operation, state.path, last);
            }
            return last.body().length == 0 ? null : last.json();
        }
    }

    private JsonNode waitForProvisioning(String path, String apiVersion, Poll state, Reply previous) {
        Reply last = previous;
        while (true) {
            state.sleepAfter(last);
            last = pollOnce(url(path, apiVersion), state);
            if (last == null) {
                continue;
            }
            if (last.status() >= 300) {
                throw failure("GET " + state.operation, path, last);
            }
            JsonNode resource = last.json();
            String word = resource.path("properties").path("provisioningState").asText("");
            if ("succeeded".equalsIgnoreCase(word)) {
                return resource;
            }
            if (TERMINAL.contains(word.toLowerCase(Locale.ROOT))) {
                throw AzureException.of(
                        state.operation, ResourcePath.parse(path).describe(), 0, word, "provisioning ended " + word);
            }
            state.progress(word);
        }
    }

    /** One poll; a transport failure is kept as the last cause and retried until the deadline. */
    private Reply pollOnce(URI url, Poll state) {
        try {
            return send(HttpMethod.GET, url, null);
        } catch (AzureException e) {
            state.lastCause = e;
            return null;
        }
    }

    private URI url(String path, String apiVersion) {
        String separator = path.contains("?") ? "&" : "?";
        return URI.create(endpoint + path + separator + "api-version=" + apiVersion);
    }

    /** Azure sends absolute URLs, but some specs' examples show paths: resolve those against the endpoint. */
    private URI resolve(String headerValue) {
        URI uri = URI.create(headerValue);
        return uri.isAbsolute() ? uri : URI.create(endpoint + (headerValue.startsWith("/") ? "" : "/") + headerValue);
    }

    private static boolean terminal(JsonNode resource) {
        JsonNode state = resource.path("properties").path("provisioningState");
        return state.isMissingNode()
                || state.isNull()
                || TERMINAL.contains(state.asText().toLowerCase(Locale.ROOT));
    }

    private static String operationName(HttpMethod method, String path) {
        ResourcePath resource = ResourcePath.parse(path);
        return resource.action() == null ? method.toString() : method + " " + resource.action() + " on";
    }

    private static AzureException failure(String operation, String path, Reply reply) {
        ErrorInfo error = ErrorInfo.of(reply.jsonOrNull());
        String code = error.code();
        if (code == null && reply.status() == 404) {
            code = "NotFound";
        }
        return AzureException.of(operation, ResourcePath.parse(path).describe(), reply.status(), code, error.message());
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "unknown failure";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + AzureException.oneLine(message));
    }

    /** The state of one wait: deadline, progress reporting, the last transport failure. */
    private final class Poll {
        final String operation;
        final String path;
        final Instant start;
        final Instant end;
        final Consumer<String> progress;
        Instant lastReport;
        AzureException lastCause;
        String lastStatus = "Accepted";

        Poll(String operation, String path, Instant start, Instant end, Consumer<String> progress) {
            this.operation = operation;
            this.path = path;
            this.start = start;
            this.end = end;
            this.progress = progress;
            this.lastReport = start;
        }

        void sleepAfter(Reply reply) {
            Duration wait = poll.defaultInterval();
            String retryAfter = reply == null ? null : reply.headers().getValue(RETRY_AFTER);
            if (retryAfter != null) {
                try {
                    wait = Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
                } catch (NumberFormatException e) {
                    // An HTTP date instead of seconds: keep the default interval.
                }
            }
            if (wait.compareTo(poll.maxInterval()) > 0) {
                wait = poll.maxInterval();
            }
            Instant now = clock.instant();
            if (!now.isBefore(end)) {
                String elapsed = Durations.words(Duration.between(start, now));
                throw new AzureException(
                        operation + " " + ResourcePath.parse(path).describe() + " did not finish within "
                                + elapsed + " (last status " + lastStatus
                                + (lastCause == null ? "" : "; last error: " + lastCause.getMessage())
                                + "); it may still finish in Azure",
                        lastCause);
            }
            Duration left = Duration.between(now, end);
            try {
                sleeper.sleep(wait.compareTo(left) > 0 ? left : wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AzureException(
                        operation + " " + ResourcePath.parse(path).describe()
                                + " was interrupted while waiting for Azure (last status " + lastStatus + ")",
                        e);
            }
        }

        void progress(String status) {
            lastStatus = status.isEmpty() ? lastStatus : status;
            Instant now = clock.instant();
            if (Duration.between(lastReport, now).compareTo(poll.progressEvery()) >= 0) {
                lastReport = now;
                progress.accept(operation + " " + ResourcePath.parse(path).describe() + ": " + lastStatus + " after "
                        + Durations.words(Duration.between(start, now)));
            }
        }
    }

    /** An answer: status, headers and body. */
    public record Reply(int status, HttpHeaders headers, byte[] body) {

        /** The body as JSON; an empty body is JSON null. */
        public JsonNode json() {
            if (body.length == 0) {
                return NullNode.getInstance();
            }
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AzureException(
                        "Azure answered " + status + " with a body that is not JSON: "
                                + AzureException.oneLine(new String(body, java.nio.charset.StandardCharsets.UTF_8)),
                        e);
            }
        }

        JsonNode jsonOrNull() {
            try {
                return json();
            } catch (AzureException e) {
                return NullNode.getInstance();
            }
        }
    }

    /** Azure's error: {@code {"error":{"code","message"}}}, or App Service's {@code {"Code","Message"}}. */
    record ErrorInfo(String code, String message) {
        static ErrorInfo of(JsonNode body) {
            if (body == null || !body.isObject()) {
                return new ErrorInfo(null, null);
            }
            JsonNode error = field(body, "error");
            JsonNode source = error != null && error.isObject() ? error : body;
            JsonNode code = field(source, "code");
            JsonNode message = field(source, "message");
            return new ErrorInfo(
                    code == null || code.isNull() ? null : code.asText(),
                    message == null || message.isNull() ? null : message.asText());
        }

        private static JsonNode field(JsonNode node, String name) {
            var fields = node.fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                if (field.equalsIgnoreCase(name)) {
                    return node.get(field);
                }
            }
            return null;
        }
    }
}
