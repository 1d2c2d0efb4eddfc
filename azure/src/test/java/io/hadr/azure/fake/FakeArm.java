package io.hadr.azure.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hadr.azure.AzureApi;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A stateful stand-in for Azure Resource Manager and the two data-plane endpoints hadr touches
 * (an app's deployment endpoint and the Front Door endpoint), served over HTTPS on loopback.
 *
 * <p>Response bodies start from the vendored REST API examples ({@link SpecExamples}) and carry
 * the fake's state: a stopped site reports {@code Stopped}; a PATCHed origin's
 * {@code enabledState} changes when its long-running operation completes; a failover swaps the
 * failover group's roles and is refused with {@code FailoverGroupFailoverRequestOnPrimary} when
 * sent to the primary; a restore creates a database; deployments evaluate the template's
 * expressions and create every resource. Long-running operations answer {@code 202} (or
 * {@code 201}) with {@code Azure-AsyncOperation} or {@code Location} URLs that must be polled
 * a few times before they finish. Every request needs the bearer token and the api-version
 * hadr pins for the resource type.
 */
public final class FakeArm implements AutoCloseable {

    public static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
    public static final String TOKEN = "fake-arm-token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Canonical spelling of every resource type the fake serves (ARM paths are case-insensitive). */
    private static final List<String> TYPES = List.of(
            "Microsoft.Web/serverfarms",
            "Microsoft.Web/sites",
            "Microsoft.Web/sites/config",
            "Microsoft.Cdn/profiles",
            "Microsoft.Cdn/profiles/afdEndpoints",
            "Microsoft.Cdn/profiles/afdEndpoints/routes",
            "Microsoft.Cdn/profiles/originGroups",
            "Microsoft.Cdn/profiles/originGroups/origins",
            "Microsoft.Sql/servers",
            "Microsoft.Sql/servers/databases",
            "Microsoft.Sql/servers/firewallRules",
            "Microsoft.Sql/servers/failoverGroups",
            "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies",
            "Microsoft.Sql/servers/recoverableDatabases",
            "Microsoft.Resources/deployments");

    private static final Map<String, String> DISPLAY_NAMES = Map.of(
            "centralindia",
            "Central India",
            "southindia",
            "South India",
            "westindia",
            "West India",
            "eastus",
            "East US",
            "westeurope",
            "West Europe",
            "northeurope",
            "North Europe");

    private final TestCertificate certificate;
    private final Server server;
    private final ServerConnector armConnector;
    private final SslContextFactory.Server ssl;
    private final Object lock = new Object();
    private final Map<String, ObjectNode> resources = new LinkedHashMap<>();
    private final Map<String, ObjectNode> resourceGroups = new LinkedHashMap<>();
    private final Map<String, FailoverGroup> failoverGroups = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> appSettings = new HashMap<>();
    private final Map<String, byte[]> uploads = new HashMap<>();
    private final Map<Integer, String> dataPlane = new HashMap<>();
    private final Map<String, Integer> dataPlanePorts = new HashMap<>();
    private final Map<String, Operation> operations = new HashMap<>();
    private final Map<String, Deployment> deployments = new HashMap<>();
    private final Map<String, Instant> geoBackups = new HashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Fault> faults = new ArrayList<>();
    private final Set<String> unreachable = new HashSet<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile int pollsPerOperation = 2;

    private FakeArm(TestCertificate certificate) throws Exception {
        this.certificate = certificate;
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("fake-arm");
        this.server = new Server(threads);
        this.ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(certificate.keyStore().toString());
        ssl.setKeyStorePassword(TestCertificate.PASSWORD);
        ssl.setKeyStoreType("PKCS12");
        this.armConnector = connector();
        server.addConnector(armConnector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                FakeArm.this.handle(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    /** Starts a fake serving the test JVM's shared certificate. */
    public static FakeArm start() throws Exception {
        return new FakeArm(TestCertificate.shared());
    }

    private ServerConnector connector() {
        HttpConfiguration config = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(
                server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        return connector;
    }

    /** Another HTTPS port on loopback: each app's deployment endpoint and each Front Door endpoint gets its own host. */
    private String openDataPlane(String purpose) {
        Integer existing = dataPlanePorts.get(purpose);
        if (existing != null) {
            return "127.0.0.1:" + existing;
        }
        ServerConnector connector = connector();
        server.addConnector(connector);
        try {
            connector.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a data-plane port for " + purpose, e);
        }
        int port = connector.getLocalPort();
        dataPlane.put(port, purpose);
        dataPlanePorts.put(purpose, port);
        return "127.0.0.1:" + port;
    }

    public URI armEndpoint() {
        return URI.create("https://127.0.0.1:" + armConnector.getLocalPort());
    }

    public TestCertificate certificate() {
        return certificate;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    // ---- what tests can set and read ----------------------------------------------------------------

    /** How many polls a long-running operation answers "in progress" before it finishes (default 2). */
    public void pollsPerOperation(int polls) {
        this.pollsPerOperation = polls;
    }

    /** The next request whose method matches and whose path contains {@code pathPart} gets this error instead. */
    public void failNext(String method, String pathPart, int status, String code, String message) {
        synchronized (lock) {
            faults.add(new Fault(method, pathPart.toLowerCase(Locale.ROOT), status, code, message));
        }
    }

    /** A server that cannot be reached: a planned failover away from it times out, as Azure's does. */
    public void unreachable(String serverName, boolean unreachable) {
        synchronized (lock) {
            if (unreachable) {
                this.unreachable.add(serverName.toLowerCase(Locale.ROOT));
            } else {
                this.unreachable.remove(serverName.toLowerCase(Locale.ROOT));
            }
        }
    }

    /** The time of the latest geo-replicated backup of a database (geo-restore restores that one). */
    public void geoBackup(String serverName, String database, Instant at) {
        synchronized (lock) {
            geoBackups.put((serverName + "/" + database).toLowerCase(Locale.ROOT), at);
        }
    }

    /** The resource as the fake holds it, or null. */
    public JsonNode resource(String id) {
        synchronized (lock) {
            ObjectNode resource = resources.get(id.toLowerCase(Locale.ROOT));
            return resource == null ? null : view(resource);
        }
    }

    /** How a database was created: {@code createMode} and, for restores, the source and point in time. */
    public JsonNode creation(String databaseId) {
        synchronized (lock) {
            ObjectNode resource = resources.get(databaseId.toLowerCase(Locale.ROOT));
            return resource == null ? null : resource.path("_fake").deepCopy();
        }
    }

    /** Ids of every resource the fake holds, in creation order. */
    public List<String> ids() {
        synchronized (lock) {
            return resources.values().stream().map(r -> r.path("id").asText()).toList();
        }
    }

    public boolean resourceGroupExists(String name) {
        synchronized (lock) {
            return resourceGroups.containsKey(name.toLowerCase(Locale.ROOT));
        }
    }

    /** The bytes the app's deployment endpoint received, or null. */
    public byte[] upload(String siteName) {
        synchronized (lock) {
            return uploads.get(siteName.toLowerCase(Locale.ROOT));
        }
    }

    public Map<String, String> appSettings(String siteId) {
        synchronized (lock) {
            return Map.copyOf(appSettings.getOrDefault(siteId.toLowerCase(Locale.ROOT), Map.of()));
        }
    }

    /** The server that is primary in a failover group, or null. */
    public String primaryServer(String failoverGroup) {
        synchronized (lock) {
            FailoverGroup group = failoverGroups.get(failoverGroup.toLowerCase(Locale.ROOT));
            return group == null ? null : group.primary;
        }
    }

    /** Every request, as {@code METHOD /path} without the query. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    /** An answer: status, headers, JSON body (null for none). */
    private record Answer(int status, Map<String, String> headers, JsonNode body) {
        static Answer of(int status, JsonNode body) {
            return new Answer(status, Map.of(), body);
        }
    }

    private record Fault(String method, String pathPart, int status, String code, String message) {}

    private void handle(Request request, Response response, Callback callback) throws IOException {
        int port = Request.getLocalPort(request);
        String method = request.getMethod();
        String path = request.getHttpURI().getDecodedPath();
        requests.add(method + " " + path);
        Fields query = Request.extractQueryParameters(request);
        byte[] body;
        try (java.io.InputStream in = Content.Source.asInputStream(request)) {
            body = in.readAllBytes();
        }
        Answer answer;
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String plane;
        synchronized (lock) {
            plane = dataPlane.get(port);
        }
        // Front Door endpoints are public; ARM and the apps' deployment endpoints take Entra ID tokens.
        boolean needsToken = plane == null || plane.startsWith("scm:");
        if (needsToken && !("Bearer " + TOKEN).equals(auth)) {
            answer = error(
                    401,
                    "AuthenticationFailed",
                    auth == null
                            ? "Authentication failed. The 'Authorization' header is missing."
                            : "Authentication failed. The access token is not valid.");
        } else {
            synchronized (lock) {
                answer = injectedFault(method, path);
                if (answer == null) {
                    try {
                        answer = plane != null
                                ? dataPlane(plane, method, path, query, body)
                                : arm(method, path, query, body);
                    } catch (BadRequest e) {
                        answer = e.answer;
                    }
                }
            }
        }
        response.setStatus(answer.status());
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (answer.body() == null) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
            callback.succeeded();
            return;
        }
        byte[] bytes = answer.body().isTextual()
                ? answer.body().asText().getBytes(StandardCharsets.UTF_8)
                : JSON.writeValueAsBytes(answer.body());
        response.getHeaders()
                .put(
                        HttpHeader.CONTENT_TYPE,
                        answer.body().isTextual() ? "text/plain; charset=utf-8" : "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private Answer injectedFault(String method, String path) {
        Iterator<Fault> it = faults.iterator();
        while (it.hasNext()) {
            Fault fault = it.next();
            if (fault.method().equalsIgnoreCase(method)
                    && path.toLowerCase(Locale.ROOT).contains(fault.pathPart())) {
                it.remove();
                return error(fault.status(), fault.code(), fault.message());
            }
        }
        return null;
    }

    /** An error in ARM's shape; App Service answers in its own ({@code Code}, {@code Message}). */
    private static Answer error(int status, String code, String message) {
        return Answer.of(
                status,
                F.objectNode().set("error", F.objectNode().put("code", code).put("message", message)));
    }

    private static Answer webError(int status, String code, String message) {
        return Answer.of(
                status, F.objectNode().put("Code", code).put("Message", message).putNull("Target"));
    }

    /** Thrown inside a handler to answer with an error. */
    private static final class BadRequest extends RuntimeException {
        final Answer answer;

        BadRequest(Answer answer) {
            super(answer.body().toString(), null, false, false);
            this.answer = answer;
        }

        BadRequest(int status, String code, String message) {
            this(error(status, code, message));
        }
    }

    private JsonNode json(byte[] body) {
        if (body.length == 0) {
            return F.objectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest(
                    400,
                    "InvalidRequestContent",
                    "The request content was invalid and could not be deserialized: " + e.getMessage());
        }
    }

    // ---- ARM routing ------------------------------------------------------------------------------

    private Answer arm(String method, String path, Fields query, byte[] rawBody) {
        String[] s = path.replaceAll("^/+", "").split("/");
        if (s.length == 3 && s[0].equals("fake") && s[1].equals("operations")) {
            return operationStatus(s[2]);
        }
        if (s.length == 3 && s[0].equals("fake") && s[1].equals("results")) {
            return operationResult(s[2]);
        }
        if (s.length < 4 || !s[0].equalsIgnoreCase("subscriptions") || !s[2].equalsIgnoreCase("resourceGroups")) {
            return error(404, "InvalidRequestUri", "The request URI is not valid: " + path);
        }
        if (!s[1].equalsIgnoreCase(SUBSCRIPTION)) {
            return error(404, "SubscriptionNotFound", "The subscription '" + s[1] + "' could not be found.");
        }
        String group = s[3];
        String apiVersion = query.getValue("api-version");
        if (s.length == 4 || (s.length == 5 && s[4].equalsIgnoreCase("resources"))) {
            requireApiVersion(apiVersion, AzureApi.RESOURCES);
            return s.length == 4 ? resourceGroup(method, group, json(rawBody)) : listResources(group);
        }
        if (!resourceGroups.containsKey(group.toLowerCase(Locale.ROOT))) {
            return error(404, "ResourceGroupNotFound", "Resource group '" + group + "' could not be found.");
        }
        if (!s[4].equalsIgnoreCase("providers") || s.length < 8) {
            return error(404, "InvalidRequestUri", "The request URI is not valid: " + path);
        }
        List<String> typeParts = new ArrayList<>(List.of(s[5]));
        List<String> names = new ArrayList<>();
        int i = 6;
        while (i + 1 < s.length) {
            typeParts.add(s[i]);
            names.add(s[i + 1]);
            i += 2;
        }
        String action = i < s.length ? s[i] : null;
        String type = canonicalType(String.join("/", typeParts));
        if (type == null) {
            return error(
                    404,
                    "InvalidResourceType",
                    "The resource type '" + String.join("/", typeParts) + "' could not be found.");
        }
        requireApiVersion(apiVersion, AzureApi.forType(type));
        String id = resourceId(group, type, names);
        if (type.equals("Microsoft.Resources/deployments")) {
            return deployment(method, id, group, names.get(0), action, json(rawBody));
        }
        return resource(method, type, id, action, query, json(rawBody));
    }

    private void requireApiVersion(String given, String expected) {
        if (given == null) {
            throw new BadRequest(
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        if (!given.equals(expected)) {
            throw new BadRequest(
                    400,
                    "InvalidApiVersionParameter",
                    "The api-version '" + given + "' is not the one hadr pins for this type ('" + expected + "').");
        }
    }

    private static String canonicalType(String type) {
        return TYPES.stream().filter(t -> t.equalsIgnoreCase(type)).findFirst().orElse(null);
    }

    private static String resourceId(String group, String type, List<String> names) {
        return ArmExpressions.resourceId("/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group, type, names);
    }

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    private static String typeOf(String id) {
        String[] s = id.replaceAll("^/+", "").split("/");
        StringBuilder type = new StringBuilder(s[5]);
        for (int i = 6; i < s.length; i += 2) {
            type.append('/').append(s[i]);
        }
        return canonicalType(type.toString());
    }

    private static String nameOf(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private static String parentOf(String id) {
        return id.substring(0, id.lastIndexOf('/', id.lastIndexOf('/') - 1));
    }

    // ---- resource groups ---------------------------------------------------------------------------

    private Answer resourceGroup(String method, String name, JsonNode body) {
        String id = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + name;
        ObjectNode existing = resourceGroups.get(key(name));
        switch (method) {
            case "GET" -> {
                return existing == null
                        ? error(404, "ResourceGroupNotFound", "Resource group '" + name + "' could not be found.")
                        : Answer.of(200, existing);
            }
            case "PUT" -> {
                ObjectNode group = F.objectNode()
                        .put("id", id)
                        .put("name", name)
                        .put("type", "Microsoft.Resources/resourceGroups");
                group.put("location", require(body, "location"));
                group.set("tags", body.has("tags") ? body.get("tags") : F.objectNode());
                group.putObject("properties").put("provisioningState", "Succeeded");
                resourceGroups.put(key(name), group);
                return Answer.of(existing == null ? 201 : 200, group);
            }
            case "DELETE" -> {
                if (existing == null) {
                    return Answer.of(404, null);
                }
                return location(() -> {
                    String prefix = key(id) + "/";
                    resources.keySet().removeIf(k -> k.startsWith(prefix));
                    failoverGroups
                            .values()
                            .removeIf(g -> g.id.toLowerCase(Locale.ROOT).startsWith(prefix));
                    resourceGroups.remove(key(name));
                    return Answer.of(200, null);
                });
            }
            default -> {
                return error(405, "MethodNotAllowed", method + " is not allowed on a resource group");
            }
        }
    }

    private Answer listResources(String group) {
        if (!resourceGroups.containsKey(key(group))) {
            return error(404, "ResourceGroupNotFound", "Resource group '" + group + "' could not be found.");
        }
        String prefix = key("/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + "/providers/");
        ArrayNode value = F.arrayNode();
        for (ObjectNode resource : resources.values()) {
            String id = resource.path("id").asText();
            String type = typeOf(id);
            if (key(id).startsWith(prefix)
                    && type.split("/").length == 2
                    && !type.equals("Microsoft.Resources/deployments")) {
                value.addObject()
                        .put("id", id)
                        .put("name", nameOf(id))
                        .put("type", type)
                        .put("location", resource.path("location").asText());
            }
        }
        return Answer.of(200, F.objectNode().set("value", value));
    }

    private static String require(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            throw new BadRequest(
                    400,
                    "InvalidRequestContent",
                    "The request content is missing the required property '" + field + "'.");
        }
        return value.asText();
    }

    // ---- long-running operations ----------------------------------------------------------------------

    private final class Operation {
        final Supplier<Answer> completion;
        int pollsLeft = pollsPerOperation;
        Answer result;

        Operation(Supplier<Answer> completion) {
            this.completion = completion;
        }

        /** Counts one poll; finishes (once) when the polls run out. */
        Answer poll() {
            if (result == null && pollsLeft-- <= 0) {
                try {
                    result = completion.get();
                } catch (BadRequest e) {
                    result = e.answer;
                }
            }
            return result;
        }
    }

    private String newOperation(Supplier<Answer> completion) {
        String id = "op" + counter.incrementAndGet();
        operations.put(id, new Operation(completion));
        return id;
    }

    /** 202 with {@code Azure-AsyncOperation}: poll its status; then the client GETs the resource. */
    private Answer asyncOperation(int status, JsonNode body, Supplier<Answer> completion) {
        String id = newOperation(completion);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", armEndpoint() + "/fake/operations/" + id);
        headers.put("Retry-After", "1");
        return new Answer(status, headers, body);
    }

    /** 202 with {@code Location}: poll it until it stops answering 202; its last answer is the result. */
    private Answer location(Supplier<Answer> completion) {
        return location(completion, false);
    }

    /** As the SQL examples show, {@code relative} Location headers carry only the path. */
    private Answer location(Supplier<Answer> completion, boolean relative) {
        String id = newOperation(completion);
        String url = (relative ? "" : armEndpoint().toString()) + "/fake/results/" + id;
        return new Answer(202, Map.of("Location", url, "Retry-After", "1"), null);
    }

    private Answer operationStatus(String id) {
        Operation operation = operations.get(id);
        if (operation == null) {
            return error(404, "OperationNotFound", "no operation " + id);
        }
        Answer result = operation.poll();
        if (result == null) {
            return new Answer(200, Map.of("Retry-After", "1"), F.objectNode().put("status", "InProgress"));
        }
        if (result.status() >= 300) {
            ObjectNode failed = F.objectNode().put("status", "Failed");
            failed.set("error", result.body().path("error"));
            return Answer.of(200, failed);
        }
        return Answer.of(200, F.objectNode().put("status", "Succeeded"));
    }

    private Answer operationResult(String id) {
        Operation operation = operations.get(id);
        if (operation == null) {
            return error(404, "OperationNotFound", "no operation " + id);
        }
        Answer result = operation.poll();
        if (result == null) {
            return new Answer(202, Map.of("Retry-After", "1"), null);
        }
        return result.status() == 200 && result.body() == null ? Answer.of(204, null) : result;
    }

    // ---- resources -------------------------------------------------------------------------------------

    private Answer resource(String method, String type, String id, String action, Fields query, JsonNode body) {
        ObjectNode existing = resources.get(key(id));
        if (action != null) {
            return action(method, type, id, action, existing, body);
        }
        if (!type.equals("Microsoft.Sql/servers/recoverableDatabases")
                && typeOf(id).split("/").length > 2
                && !resources.containsKey(key(parentOf(id)))) {
            return error(
                    404,
                    "ParentResourceNotFound",
                    "Failed to perform '" + method + "' on resource(s) of type '" + type
                            + "', because the parent resource '" + parentOf(id) + "' could not be found.");
        }
        switch (method) {
            case "GET" -> {
                if (type.equals("Microsoft.Sql/servers/failoverGroups")) {
                    return failoverGroupView(id);
                }
                if (type.equals("Microsoft.Sql/servers/recoverableDatabases")) {
                    return recoverableDatabase(id);
                }
                return existing == null ? notFound(type, id) : Answer.of(200, view(existing));
            }
            case "PUT" -> {
                return put(type, id, body);
            }
            case "PATCH" -> {
                return patch(type, id, existing, body);
            }
            case "DELETE" -> {
                return delete(type, id, existing);
            }
            default -> {
                return error(405, "MethodNotAllowed", method + " is not allowed on " + type);
            }
        }
    }

    private static Answer notFound(String type, String id) {
        if (type.startsWith("Microsoft.Web")) {
            return webError(
                    404,
                    "ResourceNotFound",
                    "The Resource '" + type + "/" + nameOf(id) + "' under resource group was not found.");
        }
        return error(404, "ResourceNotFound", "The Resource '" + type + "/" + nameOf(id) + "' was not found.");
    }

    /** A copy for the wire, without the fake's own bookkeeping fields. */
    private static ObjectNode view(ObjectNode resource) {
        ObjectNode copy = resource.deepCopy();
        copy.remove("_fake");
        return copy;
    }

    private Answer put(String type, String id, JsonNode body) {
        ObjectNode created = create(type, id, body);
        boolean exists = resources.containsKey(key(id));
        return switch (type) {
            case "Microsoft.Web/serverfarms" -> asyncOperation(202, view(created), () -> store(created));
            case "Microsoft.Cdn/profiles",
                    "Microsoft.Cdn/profiles/afdEndpoints",
                    "Microsoft.Cdn/profiles/originGroups",
                    "Microsoft.Cdn/profiles/originGroups/origins",
                    "Microsoft.Cdn/profiles/afdEndpoints/routes" -> {
                ObjectNode pending = view(created);
                ((ObjectNode) pending.path("properties")).put("provisioningState", "Creating");
                yield asyncOperation(exists ? 200 : 201, pending, () -> store(created));
            }
            case "Microsoft.Sql/servers", "Microsoft.Sql/servers/databases", "Microsoft.Sql/servers/failoverGroups" ->
                location(
                        () -> {
                            store(created);
                            return Answer.of(
                                    200,
                                    type.equals("Microsoft.Sql/servers/failoverGroups")
                                            ? failoverGroupBody(failoverGroups.get(key(nameOf(id))), serverOf(id))
                                            : view(created));
                        },
                        true);
            default -> {
                store(created);
                yield Answer.of(exists ? 200 : 201, view(created));
            }
        };
    }

    private Answer store(ObjectNode resource) {
        String id = resource.path("id").asText();
        String type = typeOf(id);
        if (type.equals("Microsoft.Sql/servers/failoverGroups")) {
            applyFailoverGroup(resource);
            return Answer.of(200, null);
        }
        if (type.equals("Microsoft.Sql/servers/databases")) {
            String mode = resource.path("_fake").path("createMode").asText("Default");
            // Azure takes geo-replicated backups of every database; the first one as it is created.
            geoBackups.putIfAbsent(key(serverOf(id) + "/" + nameOf(id)), Instant.now());
        }
        if (type.equals("Microsoft.Web/sites/config")) {
            Map<String, String> settings = new LinkedHashMap<>();
            resource.path("properties")
                    .fields()
                    .forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            appSettings.put(key(parentOf(id)), settings);
        }
        resources.put(key(id), resource);
        return Answer.of(200, null);
    }

    /** The resource as the fake will hold it, built on the vendored example's response body. */
    private ObjectNode create(String type, String id, JsonNode body) {
        String name = nameOf(id);
        ObjectNode r;
        JsonNode properties = body.path("properties");
        switch (type) {
            case "Microsoft.Web/serverfarms" -> {
                r = (ObjectNode)
                        SpecExamples.response("examples/web/2024-11-01/CreateOrUpdateAppServicePlan.json", "200");
                r.put("location", require(body, "location"));
                r.put("kind", body.path("kind").asText("app"));
                JsonNode sku = body.path("sku");
                int capacity = sku.path("capacity").asInt(1);
                if (capacity < 1 || capacity > 30) {
                    throw new BadRequest(webError(
                            400, "BadRequest", "The number of workers must be between 1 and 30, but was " + capacity));
                }
                ObjectNode newSku = r.putObject("sku");
                newSku.put("name", require(sku, "name")).put("capacity", capacity);
                ObjectNode p = (ObjectNode) r.path("properties");
                p.put("reserved", properties.path("reserved").asBoolean(false));
                p.put(
                        "geoRegion",
                        DISPLAY_NAMES.getOrDefault(
                                r.path("location").asText(), r.path("location").asText()));
                p.put("numberOfSites", 0);
            }
            case "Microsoft.Web/sites" -> {
                r = (ObjectNode) SpecExamples.response("examples/web/2025-03-01/GetWebApp.json", "200");
                r.put("location", require(body, "location"));
                r.put("kind", body.path("kind").asText("app"));
                String farm = require(properties, "serverFarmId");
                if (!resources.containsKey(key(farm))) {
                    throw new BadRequest(
                            webError(404, "NotFound", "Server farm with name " + nameOf(farm) + " not found."));
                }
                ObjectNode p = (ObjectNode) r.path("properties");
                ObjectNode previous = resources.get(key(id));
                p.put(
                        "state",
                        previous == null
                                ? "Running"
                                : previous.path("properties").path("state").asText());
                String host = name.toLowerCase(Locale.ROOT) + ".azurewebsites.net";
                String scm = openDataPlane("scm:" + key(id));
                p.putArray("hostNames").add(host);
                p.putArray("enabledHostNames").add(host).add(scm);
                ArrayNode ssl = p.putArray("hostNameSslStates");
                ssl.addObject().put("name", host).put("sslState", "Disabled").put("hostType", "Standard");
                ssl.addObject().put("name", scm).put("sslState", "Disabled").put("hostType", "Repository");
                p.put("serverFarmId", farm);
                p.put("repositorySiteName", name);
                p.put("defaultHostName", host);
                p.put("httpsOnly", properties.path("httpsOnly").asBoolean(false));
                p.put("reserved", r.path("kind").asText().contains("linux"));
                p.put("resourceGroup", id.split("/")[4]);
                if (properties.has("siteConfig")) {
                    // siteConfig is write-only in Azure; the fake keeps what it was sent for tests to read.
                    p.set("siteConfig", properties.get("siteConfig").deepCopy());
                    Map<String, String> settings = new LinkedHashMap<>();
                    properties
                            .path("siteConfig")
                            .path("appSettings")
                            .forEach(s -> settings.put(
                                    s.path("name").asText(), s.path("value").asText()));
                    appSettings.put(key(id), settings);
                }
            }
            case "Microsoft.Web/sites/config" -> {
                if (!name.equalsIgnoreCase("appsettings")) {
                    throw new BadRequest(webError(400, "BadRequest", "the fake only knows config/appsettings"));
                }
                r = (ObjectNode) SpecExamples.response("examples/web/2024-11-01/ListAppSettings.json", "200");
                r.set("properties", properties.isObject() ? properties.deepCopy() : F.objectNode());
            }
            case "Microsoft.Cdn/profiles" -> {
                r = (ObjectNode) SpecExamples.response("examples/cdn/2025-04-15/Profiles_Get.json", "200");
                r.put("location", require(body, "location"));
                r.putObject("sku").put("name", require(body.path("sku"), "name"));
                int timeout = properties.path("originResponseTimeoutSeconds").asInt(30);
                if (timeout < 16) {
                    throw new BadRequest(
                            400,
                            "BadRequest",
                            "OriginResponseTimeoutSeconds must be at least 16, but was " + timeout + ".");
                }
                ObjectNode p = (ObjectNode) r.path("properties");
                p.put("originResponseTimeoutSeconds", timeout);
                ObjectNode previous = resources.get(key(id));
                p.put(
                        "frontDoorId",
                        previous != null
                                ? previous.path("properties")
                                        .path("frontDoorId")
                                        .asText()
                                : UUID.nameUUIDFromBytes(key(id).getBytes(StandardCharsets.UTF_8))
                                        .toString());
            }
            case "Microsoft.Cdn/profiles/afdEndpoints" -> {
                r = (ObjectNode) SpecExamples.response("examples/cdn/2025-04-15/AFDEndpoints_Get.json", "200");
                r.put("location", require(body, "location"));
                ObjectNode p = (ObjectNode) r.path("properties");
                p.put("enabledState", properties.path("enabledState").asText("Enabled"));
                // The endpoint's host: a loopback port of its own, where the fake routes like Front Door.
                p.put("hostName", openDataPlane("endpoint:" + key(id)));
            }
            case "Microsoft.Cdn/profiles/originGroups" -> {
                r = (ObjectNode) SpecExamples.response("examples/cdn/2025-04-15/AFDOriginGroups_Get.json", "200");
                ObjectNode p = (ObjectNode) r.path("properties");
                p.set(
                        "loadBalancingSettings",
                        properties.path("loadBalancingSettings").deepCopy());
                p.set(
                        "healthProbeSettings",
                        properties.path("healthProbeSettings").deepCopy());
                int interval = properties
                        .path("healthProbeSettings")
                        .path("probeIntervalInSeconds")
                        .asInt(240);
                if (interval < 1 || interval > 255) {
                    throw new BadRequest(
                            400,
                            "BadRequest",
                            "ProbeIntervalInSeconds must be between 1 and 255, but was " + interval + ".");
                }
                p.put(
                        "sessionAffinityState",
                        properties.path("sessionAffinityState").asText("Disabled"));
                p.remove("trafficRestorationTimeToHealedOrNewEndpointsInMinutes");
            }
            case "Microsoft.Cdn/profiles/originGroups/origins" -> {
                r = (ObjectNode) SpecExamples.response("examples/cdn/2025-04-15/AFDOrigins_Get.json", "200");
                ObjectNode p = (ObjectNode) r.path("properties");
                properties
                        .fields()
                        .forEachRemaining(e -> p.set(e.getKey(), e.getValue().deepCopy()));
                p.put("originGroupName", nameOf(parentOf(id)));
                validateOrigin(p);
            }
            case "Microsoft.Cdn/profiles/afdEndpoints/routes" -> {
                r = (ObjectNode) SpecExamples.response("examples/cdn/2025-04-15/Routes_Get.json", "200");
                ObjectNode p = (ObjectNode) r.path("properties");
                p.remove(List.of("customDomains", "ruleSets", "cacheConfiguration"));
                properties
                        .fields()
                        .forEachRemaining(e -> p.set(e.getKey(), e.getValue().deepCopy()));
                String group = p.path("originGroup").path("id").asText();
                if (!resources.containsKey(key(group))) {
                    throw new BadRequest(400, "BadRequest", "The origin group " + group + " does not exist.");
                }
                boolean hasOrigins = resources.keySet().stream().anyMatch(k -> k.startsWith(key(group) + "/origins/"));
                if (!hasOrigins) {
                    throw new BadRequest(
                            400, "BadRequest", "The origin group used by a route must have at least one origin.");
                }
            }
            case "Microsoft.Sql/servers" -> {
                r = (ObjectNode) SpecExamples.response("examples/sql/2025-01-01/ServerGet.json", "200");
                r.put("location", require(body, "location"));
                r.set("tags", body.has("tags") ? body.get("tags") : F.objectNode());
                ObjectNode p = (ObjectNode) r.path("properties");
                p.remove("privateEndpointConnections");
                p.put("fullyQualifiedDomainName", name + ".database.windows.net");
                p.put("administratorLogin", require(properties, "administratorLogin"));
                if (!resources.containsKey(key(id))) {
                    require(properties, "administratorLoginPassword");
                }
                p.put(
                        "publicNetworkAccess",
                        properties.path("publicNetworkAccess").asText("Enabled"));
            }
            case "Microsoft.Sql/servers/firewallRules" -> {
                r = F.objectNode();
                r.set("properties", properties.deepCopy());
            }
            case "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies" -> {
                if (!name.equals("default")) {
                    throw new BadRequest(400, "InvalidResourceName", "The policy name must be 'default'.");
                }
                int days = properties.path("retentionDays").asInt(7);
                if (days < 1 || days > 35) {
                    throw new BadRequest(
                            400,
                            "InvalidBackupRetentionPeriod",
                            "The retention must be 1 to 35 days, but was " + days + ".");
                }
                r = F.objectNode();
                r.putObject("properties").put("retentionDays", days).put("diffBackupIntervalInHours", 12);
            }
            case "Microsoft.Sql/servers/databases" -> r = database(id, body);
            case "Microsoft.Sql/servers/failoverGroups" -> r = failoverGroupRequest(id, body);
            default -> throw new BadRequest(405, "MethodNotAllowed", "PUT is not allowed on " + type);
        }
        r.put("id", id);
        r.put("name", name);
        r.put("type", type);
        return r;
    }

    private static void validateOrigin(ObjectNode p) {
        if (p.hasNonNull("priority")
                && (p.path("priority").asInt() < 1 || p.path("priority").asInt() > 5)) {
            throw new BadRequest(
                    400, "BadRequest", "Priority must be between 1 and 5, but was " + p.path("priority") + ".");
        }
        if (p.hasNonNull("weight")
                && (p.path("weight").asInt() < 1 || p.path("weight").asInt() > 1000)) {
            throw new BadRequest(
                    400, "BadRequest", "Weight must be between 1 and 1000, but was " + p.path("weight") + ".");
        }
    }

    private Answer patch(String type, String id, ObjectNode existing, JsonNode body) {
        if (!type.equals("Microsoft.Cdn/profiles/originGroups/origins")) {
            return error(405, "MethodNotAllowed", "the fake takes PATCH only on origins");
        }
        if (existing == null) {
            return notFound(type, id);
        }
        ObjectNode updated = existing.deepCopy();
        ObjectNode p = (ObjectNode) updated.path("properties");
        body.path("properties")
                .fields()
                .forEachRemaining(e -> p.set(e.getKey(), e.getValue().deepCopy()));
        validateOrigin(p);
        // As in AFDOrigins_Update.json: 202, the body says Updating, the change lands when the operation ends.
        ObjectNode pending = view(existing);
        ((ObjectNode) pending.path("properties")).put("provisioningState", "Updating");
        return asyncOperation(202, pending, () -> store(updated));
    }

    private Answer delete(String type, String id, ObjectNode existing) {
        if (type.equals("Microsoft.Sql/servers/failoverGroups")) {
            FailoverGroup group = failoverGroups.get(key(nameOf(id)));
            if (group == null) {
                return Answer.of(204, null);
            }
            if (!group.primary.equalsIgnoreCase(serverOf(id))) {
                return error(
                        400,
                        "FailoverGroupUpdateOrDeleteRequestOnSecondary",
                        "Modifications to the failover group are not allowed on a secondary server. Execute the request on the primary server.");
            }
            return location(() -> {
                failoverGroups.remove(key(nameOf(id)));
                return Answer.of(200, null);
            });
        }
        if (existing == null) {
            return Answer.of(204, null);
        }
        if (type.equals("Microsoft.Web/serverfarms")) {
            boolean used = resources.values().stream()
                    .anyMatch(r -> key(r.path("properties").path("serverFarmId").asText())
                            .equals(key(id)));
            if (used) {
                return webError(
                        409,
                        "Conflict",
                        "Server farm '" + nameOf(id) + "' cannot be deleted because it has web app(s) assigned to it.");
            }
        }
        Supplier<Answer> remove = () -> {
            String prefix = key(id) + "/";
            resources.keySet().removeIf(k -> k.equals(key(id)) || k.startsWith(prefix));
            if (type.equals("Microsoft.Sql/servers")) {
                failoverGroups
                        .values()
                        .removeIf(g ->
                                g.primary.equalsIgnoreCase(nameOf(id)) || g.secondary.equalsIgnoreCase(nameOf(id)));
            }
            return Answer.of(200, null);
        };
        return type.startsWith("Microsoft.Web") ? remove.get() : location(remove);
    }

    // ---- App Service actions and settings ------------------------------------------------------------------

    private Answer action(String method, String type, String id, String action, ObjectNode existing, JsonNode body) {
        if (type.equals("Microsoft.Sql/servers/failoverGroups") && method.equals("POST")) {
            return failover(id, action);
        }
        if (existing == null
                && type.equals("Microsoft.Web/sites/config")
                && nameOf(id).equalsIgnoreCase("appsettings")
                && resources.containsKey(key(parentOf(id)))) {
            // Every site has its appsettings configuration, whether or not anyone has PUT it.
            existing = create(type, id, F.objectNode());
        }
        if (existing == null) {
            return notFound(type, id);
        }
        if (type.equals("Microsoft.Web/sites") && method.equals("POST")) {
            ObjectNode p = (ObjectNode) existing.path("properties");
            switch (action.toLowerCase(Locale.ROOT)) {
                case "stop" -> p.put("state", "Stopped");
                case "start" -> p.put("state", "Running");
                case "restart" -> {
                    if (!"Running".equals(p.path("state").asText())) {
                        return webError(409, "Conflict", "Cannot restart a stopped site; start it instead.");
                    }
                    p.put("restarts", p.path("restarts").asInt() + 1);
                }
                default -> {
                    return webError(404, "NotFound", "No action '" + action + "' on sites");
                }
            }
            return Answer.of(200, null);
        }
        if (type.equals("Microsoft.Web/sites/config") && method.equals("POST") && action.equalsIgnoreCase("list")) {
            ObjectNode list = view(existing);
            ObjectNode properties = list.putObject("properties");
            appSettings.getOrDefault(key(parentOf(id)), Map.of()).forEach(properties::put);
            return Answer.of(200, list);
        }
        return error(404, "InvalidRequestUri", "no action " + action + " on " + type);
    }

    // ---- Azure SQL -----------------------------------------------------------------------------------

    private static String serverOf(String id) {
        String[] s = id.replaceAll("^/+", "").split("/");
        return s[7];
    }

    private ObjectNode database(String id, JsonNode body) {
        ObjectNode r = (ObjectNode) SpecExamples.response("examples/sql/2023-08-01/CreateDatabasePITRMode.json", "201");
        String location = require(body, "location");
        ObjectNode server = resources.get(key(parentOf(id)));
        if (server != null && !server.path("location").asText().equalsIgnoreCase(location)) {
            throw new BadRequest(
                    400,
                    "InvalidLocation",
                    "A database must be in its server's location "
                            + server.path("location").asText() + ".");
        }
        r.put("location", location);
        JsonNode properties = body.path("properties");
        String mode = properties.path("createMode").asText("Default");
        ObjectNode p = (ObjectNode) r.path("properties");
        Instant now = Instant.now();
        p.put("creationDate", now.toString());
        p.put("earliestRestoreDate", now.toString());
        p.put("databaseId", UUID.randomUUID().toString());
        p.put(
                "requestedBackupStorageRedundancy",
                properties.path("requestedBackupStorageRedundancy").asText("Geo"));
        p.put(
                "currentBackupStorageRedundancy",
                p.path("requestedBackupStorageRedundancy").asText());
        if (body.has("sku")) {
            r.set("sku", body.get("sku").deepCopy());
            p.set("currentSku", body.get("sku").deepCopy());
        }
        ObjectNode fake = r.putObject("_fake").put("createMode", mode);
        if (!mode.equals("Default") && resources.containsKey(key(id))) {
            throw new BadRequest(
                    409, "DatabaseAlreadyExists", "The database '" + nameOf(id) + "' already exists on its server.");
        }
        switch (mode) {
            case "Default", "Secondary" -> {}
            case "PointInTimeRestore" -> {
                String source = require(properties, "sourceDatabaseId");
                ObjectNode sourceDb = resources.get(key(source));
                if (sourceDb == null) {
                    throw new BadRequest(
                            404, "SourceDatabaseNotFound", "The source database '" + source + "' does not exist.");
                }
                if (!key(parentOf(source)).equals(key(parentOf(id)))) {
                    throw new BadRequest(
                            400,
                            "InvalidSourceDatabase",
                            "A point-in-time restore creates the database on the source's server.");
                }
                Instant point = Instant.parse(require(properties, "restorePointInTime"));
                Instant earliest = Instant.parse(
                        sourceDb.path("properties").path("earliestRestoreDate").asText());
                if (point.isBefore(earliest) || point.isAfter(now)) {
                    throw new BadRequest(
                            400,
                            "InvalidPointInTimeRestoreRequest",
                            "The point in time " + point + " is outside the restorable range [" + earliest + ", " + now
                                    + "].");
                }
                fake.put("sourceDatabaseId", source).put("restorePointInTime", point.toString());
            }
            case "Recovery" -> {
                String source = require(properties, "sourceDatabaseId");
                String lower = key(source);
                int at = lower.indexOf("/recoverabledatabases/");
                String live = at < 0
                        ? null
                        : source.substring(0, at) + "/databases/"
                                + source.substring(at + "/recoverabledatabases/".length());
                if (live == null || !resources.containsKey(key(live))) {
                    throw new BadRequest(
                            404,
                            "RecoverableDatabaseNotFound",
                            "The recoverable database '" + source + "' does not exist.");
                }
                fake.put("sourceDatabaseId", source);
            }
            default ->
                throw new BadRequest(400, "InvalidCreateMode", "The fake does not implement createMode " + mode + ".");
        }
        return r;
    }

    private Answer recoverableDatabase(String id) {
        String server = serverOf(id);
        String db = nameOf(id);
        String live = parentOf(id) + "/databases/" + db;
        Instant backup = geoBackups.get(key(server + "/" + db));
        if (!resources.containsKey(key(live)) || backup == null) {
            return error(
                    404,
                    "RecoverableDatabaseNotFound",
                    "The recoverable database '" + db + "' does not exist on server " + server + ".");
        }
        ObjectNode r =
                F.objectNode().put("id", id).put("name", db).put("type", "Microsoft.Sql/servers/recoverableDatabases");
        r.putObject("properties")
                .put("edition", "Standard")
                .put("serviceLevelObjective", "S0")
                .put("lastAvailableBackupDate", backup.toString());
        return Answer.of(200, r);
    }

    /** A failover group as Azure holds it: one object seen from either server. */
    private static final class FailoverGroup {
        String id;
        String name;
        String primary;
        String secondary;
        final List<String> databases = new ArrayList<>();
        JsonNode readWrite;
        JsonNode readOnly;
        boolean busy;
    }

    private ObjectNode failoverGroupRequest(String id, JsonNode body) {
        String server = serverOf(id);
        FailoverGroup existing = failoverGroups.get(key(nameOf(id)));
        if (existing != null && !existing.primary.equalsIgnoreCase(server)) {
            throw new BadRequest(
                    400,
                    "FailoverGroupUpdateOrDeleteRequestOnSecondary",
                    "Modifications to the failover group are not allowed on a secondary server. Execute the request on the primary server.");
        }
        JsonNode properties = body.path("properties");
        JsonNode readWrite = properties.path("readWriteEndpoint");
        String policy = readWrite.path("failoverPolicy").asText("");
        if (policy.isEmpty()) {
            throw new BadRequest(
                    400,
                    "FailoverGroupCreateOrUpdateRequestInvalidReadWriteFailoverPolicy",
                    "The failoverPolicy field for the read-write endpoint is required for create or update requests.");
        }
        if (policy.equals("Manual") && readWrite.has("failoverWithDataLossGracePeriodMinutes")) {
            throw new BadRequest(
                    400,
                    "FailoverGroupCreateOrUpdateRequestInvalidReadWriteEndpointFieldsForManualPolicy",
                    "Grace period value should not be provided when failover policy Manual is selected for the read-write endpoint.");
        }
        if (policy.equals("Automatic")) {
            if (!readWrite.has("failoverWithDataLossGracePeriodMinutes")) {
                throw new BadRequest(
                        400,
                        "FailoverGroupCreateOrUpdateRequestInvalidReadWriteEndpointFields",
                        "The property failoverWithDataLossGracePeriodMinutes must be provided when failover policy Automatic is selected.");
            }
            if (readWrite.path("failoverWithDataLossGracePeriodMinutes").asInt() < 60) {
                throw new BadRequest(
                        400,
                        "FailoverGroupCreateOrUpdateRequestLessThanMinimumGracePeriodValues",
                        "Grace period value for the failover group must be greater than or equal to the '60' minutes minimum grace period");
            }
        }
        JsonNode partners = properties.path("partnerServers");
        if (partners.size() != 1) {
            throw new BadRequest(
                    400,
                    "FailoverGroupCreateOrUpdateRequestUnsupportedPartnerCount",
                    "Only one partner server for Failover Group is supported.");
        }
        String partnerId = partners.get(0).path("id").asText();
        ObjectNode partner = resources.get(key(partnerId));
        ObjectNode primary = resources.get(key(parentOf(id)));
        if (partner == null) {
            throw new BadRequest(400, "ServerNotFound", "The requested server '" + partnerId + "' was not found.");
        }
        if (partner.path("location")
                .asText()
                .equalsIgnoreCase(primary.path("location").asText())) {
            throw new BadRequest(
                    400,
                    "InvalidFailoverGroupRegion",
                    "Servers specified in a Failover Group need to reside in different regions.");
        }
        for (JsonNode db : properties.path("databases")) {
            if (!key(parentOf(db.asText())).equals(key(parentOf(id))) || !resources.containsKey(key(db.asText()))) {
                throw new BadRequest(
                        400,
                        "FailoverGroupCreateOrUpdateRequestInvalidDatabaseServer",
                        "One or more of the provided databases do not exist on the primary server of the failover group.");
            }
        }
        ObjectNode request = F.objectNode();
        request.set("properties", properties.deepCopy());
        return request;
    }

    private void applyFailoverGroup(ObjectNode request) {
        String id = request.path("id").asText();
        FailoverGroup group = failoverGroups.computeIfAbsent(key(nameOf(id)), k -> new FailoverGroup());
        JsonNode properties = request.path("properties");
        group.id = id;
        group.name = nameOf(id);
        group.primary = serverOf(id);
        group.secondary =
                nameOf(properties.path("partnerServers").get(0).path("id").asText());
        group.readWrite = properties.path("readWriteEndpoint").deepCopy();
        group.readOnly = properties.path("readOnlyEndpoint").deepCopy();
        for (JsonNode db : properties.path("databases")) {
            String name = nameOf(db.asText());
            if (!group.databases.contains(name)) {
                group.databases.add(name);
                // The failover group seeds a geo-secondary of each database on the partner server.
                String secondaryId = serverId(group.secondary) + "/databases/" + name;
                ObjectNode primaryDb = resources.get(key(db.asText()));
                ObjectNode replica = primaryDb.deepCopy();
                replica.put("id", secondaryId);
                replica.put(
                        "location",
                        resources
                                .get(key(serverId(group.secondary)))
                                .path("location")
                                .asText());
                replica.putObject("_fake").put("createMode", "Secondary");
                resources.put(key(secondaryId), replica);
                geoBackups.putIfAbsent(key(group.secondary + "/" + name), Instant.now());
            }
        }
    }

    private String serverId(String server) {
        return resources.keySet().stream()
                .filter(k -> k.endsWith("/providers/microsoft.sql/servers/" + key(server)))
                .map(k -> resources.get(k).path("id").asText())
                .findFirst()
                .orElseThrow(() ->
                        new BadRequest(404, "ServerNotFound", "The requested server '" + server + "' was not found."));
    }

    /** The group as seen from the server in the request path, shaped like FailoverGroupGet.json. */
    private Answer failoverGroupView(String id) {
        FailoverGroup group = failoverGroups.get(key(nameOf(id)));
        String server = serverOf(id);
        if (group == null || !(group.primary.equalsIgnoreCase(server) || group.secondary.equalsIgnoreCase(server))) {
            return error(
                    404,
                    "ResourceNotFound",
                    "The requested resource of type 'Microsoft.Sql/servers/failoverGroups' with name '" + nameOf(id)
                            + "' was not found.");
        }
        return Answer.of(200, failoverGroupBody(group, server));
    }

    private ObjectNode failoverGroupBody(FailoverGroup group, String server) {
        ObjectNode r = (ObjectNode) SpecExamples.response("examples/sql/2025-01-01/FailoverGroupGet.json", "200");
        String self = serverId(server);
        String other = serverId(group.primary.equalsIgnoreCase(server) ? group.secondary : group.primary);
        boolean primary = group.primary.equalsIgnoreCase(server);
        r.put("id", self + "/failoverGroups/" + group.name);
        r.put("name", group.name);
        r.put("location", resources.get(key(self)).path("location").asText());
        ObjectNode p = (ObjectNode) r.path("properties");
        p.set("readWriteEndpoint", group.readWrite.deepCopy());
        p.set("readOnlyEndpoint", group.readOnly.deepCopy());
        p.put("replicationRole", primary ? "Primary" : "Secondary");
        p.put("replicationState", group.busy ? "PENDING" : "CATCH_UP");
        ArrayNode partners = p.putArray("partnerServers");
        partners.addObject()
                .put("id", other)
                .put("location", resources.get(key(other)).path("location").asText())
                .put("replicationRole", primary ? "Secondary" : "Primary");
        ArrayNode databases = p.putArray("databases");
        group.databases.forEach(db -> databases.add(self + "/databases/" + db));
        return r;
    }

    private Answer failover(String id, String action) {
        FailoverGroup group = failoverGroups.get(key(nameOf(id)));
        String server = serverOf(id);
        if (group == null) {
            return error(400, "FailoverGroupDoesNotExist", "Failover group does not exist on a server.");
        }
        if (!List.of("failover", "forcefailoverallowdataloss", "tryplannedbeforeforcedfailover")
                .contains(action.toLowerCase(Locale.ROOT))) {
            return error(404, "InvalidRequestUri", "no failover group action " + action);
        }
        if (group.primary.equalsIgnoreCase(server)) {
            return error(
                    400,
                    "FailoverGroupFailoverRequestOnPrimary",
                    "The failover request should be initiated on the secondary server of failover group.");
        }
        if (group.busy) {
            return error(409, "FailoverGroupBusy", "Failover Group is busy with another operation.");
        }
        group.busy = true;
        return location(
                () -> {
                    group.busy = false;
                    boolean primaryReachable = !unreachable.contains(key(group.primary));
                    if (action.equalsIgnoreCase("failover") && !primaryReachable) {
                        return error(
                                400,
                                "PlannedFailoverTimedOut",
                                "User invoked planned failover, and it timed out while trying to contact the partner management service.");
                    }
                    String old = group.primary;
                    group.primary = group.secondary;
                    group.secondary = old;
                    return Answer.of(200, failoverGroupBody(group, server));
                },
                true);
    }

    // ---- deployments -----------------------------------------------------------------------------------

    private final class Deployment {
        ObjectNode body;
        final List<ObjectNode> operations = new ArrayList<>();
        int pollsLeft;
        String finalState;
        JsonNode error;
    }

    private Answer deployment(String method, String id, String group, String name, String action, JsonNode body) {
        Deployment deployment = deployments.get(key(id));
        if ("operations".equalsIgnoreCase(action) && method.equals("GET")) {
            if (deployment == null) {
                return error(404, "DeploymentNotFound", "Deployment '" + name + "' could not be found.");
            }
            ArrayNode value = F.arrayNode();
            deployment.operations.forEach(value::add);
            return Answer.of(200, F.objectNode().set("value", value));
        }
        switch (method) {
            case "GET" -> {
                if (deployment == null) {
                    return error(404, "DeploymentNotFound", "Deployment '" + name + "' could not be found.");
                }
                if (deployment.pollsLeft-- <= 0) {
                    ObjectNode properties = (ObjectNode) deployment.body.path("properties");
                    properties.put("provisioningState", deployment.finalState);
                    if (deployment.error != null) {
                        properties.set("error", deployment.error);
                    }
                }
                return Answer.of(200, deployment.body);
            }
            case "PUT" -> {
                return deploy(id, group, name, body);
            }
            case "DELETE" -> {
                if (deployment == null) {
                    return Answer.of(204, null);
                }
                return location(() -> {
                    deployments.remove(key(id));
                    return Answer.of(200, null);
                });
            }
            default -> {
                return error(405, "MethodNotAllowed", method + " on a deployment");
            }
        }
    }

    /** Deploys a template as ARM would: parameters, variables, resources in dependency order, outputs. */
    private Answer deploy(String id, String group, String name, JsonNode request) {
        JsonNode properties = request.path("properties");
        if (!"Incremental".equals(properties.path("mode").asText())) {
            return error(400, "InvalidDeploymentMode", "hadr deploys in Incremental mode only.");
        }
        JsonNode template = properties.path("template");
        if (!template.isObject()) {
            return error(400, "InvalidTemplate", "The deployment has no inline template.");
        }
        ObjectNode parameters = F.objectNode();
        JsonNode given = properties.path("parameters");
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        template.path("parameters").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode value = given.path(p.getKey()).path("value");
            if (value.isMissingNode()) {
                value = p.getValue().path("defaultValue");
            }
            if (value.isMissingNode()) {
                return error(
                        400,
                        "InvalidTemplate",
                        "Deployment template validation failed: 'The value for the template parameter '" + p.getKey()
                                + "' is not provided.'");
            }
            JsonNode allowed = p.getValue().path("allowedValues");
            if (allowed.isArray() && !allowed.isEmpty()) {
                boolean ok = false;
                for (JsonNode a : allowed) {
                    ok |= a.equals(value);
                }
                if (!ok) {
                    return error(
                            400,
                            "InvalidTemplate",
                            "The parameter '" + p.getKey() + "' has a value outside its allowed values.");
                }
            }
            parameters.set(p.getKey(), value);
        }
        String location = resourceGroups.get(key(group)).path("location").asText();
        ArmExpressions.Scope scope = new ArmExpressions.Scope(
                SUBSCRIPTION, group, location, parameters, template.path("variables"), (resourceId, apiVersion) -> {
                    ObjectNode target = resources.get(key(resourceId));
                    if (target == null) {
                        throw new BadRequest(
                                400,
                                "InvalidTemplate",
                                "reference(): the resource '" + resourceId + "' is not defined");
                    }
                    return view(target).path("properties");
                });
        Deployment deployment = new Deployment();
        ObjectNode body = (ObjectNode) SpecExamples.response(
                "examples/resources/2024-03-01/PutDeploymentWithOnErrorDeploymentSpecificDeployment.json", "201");
        body.put("id", id);
        body.put("name", name);
        ObjectNode props = (ObjectNode) body.path("properties");
        props.remove(List.of("templateLink", "providers", "dependencies", "onErrorDeployment"));
        props.put("mode", "Incremental");
        props.put("provisioningState", "Running");
        props.put("timestamp", Instant.now().toString());
        props.put("correlationId", UUID.randomUUID().toString());
        ArrayNode outputResources = props.putArray("outputResources");
        deployment.body = body;
        deployment.pollsLeft = pollsPerOperation;
        deployment.finalState = "Succeeded";
        try {
            for (JsonNode resource : ordered(template.path("resources"), scope)) {
                String type = resource.path("type").asText();
                String resourceId = resourceIdOf(scope, resource);
                ObjectNode operation = F.objectNode();
                operation.put("id", id + "/operations/" + counter.incrementAndGet());
                ObjectNode op = operation.putObject("properties");
                op.put("provisioningOperation", "Create");
                op.put("timestamp", Instant.now().toString());
                op.putObject("targetResource")
                        .put("id", resourceId)
                        .put("resourceType", type)
                        .put("resourceName", nameOf(resourceId));
                deployment.operations.add(operation);
                try {
                    if (!resource.path("apiVersion").asText().equals(AzureApi.forType(type))) {
                        throw new BadRequest(
                                400,
                                "NoRegisteredProviderFound",
                                "The api-version " + resource.path("apiVersion").asText()
                                        + " is not the one hadr pins for " + type + ".");
                    }
                    JsonNode evaluated = ArmExpressions.evaluateTree(resource, scope);
                    store(create(type, resourceId, evaluated));
                    op.put("provisioningState", "Succeeded").put("statusCode", "OK");
                    outputResources.addObject().put("id", resourceId);
                } catch (BadRequest e) {
                    op.put("provisioningState", "Failed")
                            .put("statusCode", e.answer.status() == 409 ? "Conflict" : "BadRequest");
                    op.putObject("statusMessage")
                            .set(
                                    "error",
                                    e.answer.body().has("error")
                                            ? e.answer.body().get("error")
                                            : F.objectNode()
                                                    .put(
                                                            "code",
                                                            e.answer
                                                                    .body()
                                                                    .path("Code")
                                                                    .asText())
                                                    .put(
                                                            "message",
                                                            e.answer
                                                                    .body()
                                                                    .path("Message")
                                                                    .asText()));
                    throw e;
                }
            }
            ObjectNode outputs = props.putObject("outputs");
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            template.path("outputs").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> output = it.next();
                outputs.putObject(output.getKey())
                        .put("type", output.getValue().path("type").asText())
                        .set(
                                "value",
                                ArmExpressions.evaluateTree(output.getValue().path("value"), scope));
            }
        } catch (BadRequest | IllegalArgumentException e) {
            deployment.finalState = "Failed";
            ObjectNode error = F.objectNode()
                    .put("code", "DeploymentFailed")
                    .put(
                            "message",
                            "At least one resource deployment operation failed. Please list deployment operations for details.");
            ObjectNode detail = error.putArray("details").addObject();
            if (e instanceof BadRequest bad) {
                JsonNode inner =
                        bad.answer.body().has("error") ? bad.answer.body().get("error") : bad.answer.body();
                detail.put(
                        "code",
                        inner.has("code")
                                ? inner.path("code").asText()
                                : inner.path("Code").asText());
                detail.put(
                        "message",
                        inner.has("message")
                                ? inner.path("message").asText()
                                : inner.path("Message").asText());
            } else {
                detail.put("code", "InvalidTemplate").put("message", e.getMessage());
            }
            deployment.error = error;
        }
        deployments.put(key(id), deployment);
        return asyncOperation(201, body.deepCopy(), () -> Answer.of(200, null));
    }

    private static String resourceIdOf(ArmExpressions.Scope scope, JsonNode resource) {
        String type = resource.path("type").asText();
        String name = ArmExpressions.evaluateString(resource.path("name").asText(), scope)
                .asText();
        return ArmExpressions.resourceId(
                scope.resourceGroupId(),
                canonicalType(type) == null ? type : canonicalType(type),
                List.of(name.split("/")));
    }

    /** The template's resources in an order where each comes after what it dependsOn. */
    private static List<JsonNode> ordered(JsonNode resources, ArmExpressions.Scope scope) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        Map<String, List<String>> deps = new HashMap<>();
        for (JsonNode resource : resources) {
            String id = key(resourceIdOf(scope, resource));
            byId.put(id, resource);
            List<String> on = new ArrayList<>();
            resource.path("dependsOn")
                    .forEach(d -> on.add(
                            key(ArmExpressions.evaluateString(d.asText(), scope).asText())));
            deps.put(id, on);
        }
        List<JsonNode> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        while (ordered.size() < byId.size()) {
            boolean progress = false;
            for (Map.Entry<String, JsonNode> entry : byId.entrySet()) {
                if (!done.contains(entry.getKey())
                        && done.containsAll(deps.get(entry.getKey()).stream()
                                .filter(byId::containsKey)
                                .toList())) {
                    for (String dep : deps.get(entry.getKey())) {
                        if (!byId.containsKey(dep)) {
                            throw new BadRequest(
                                    400,
                                    "InvalidTemplate",
                                    "The resource '" + dep + "' is not defined in the template.");
                        }
                    }
                    ordered.add(entry.getValue());
                    done.add(entry.getKey());
                    progress = true;
                }
            }
            if (!progress) {
                throw new BadRequest(400, "InvalidTemplate", "Circular dependency detected on resources.");
            }
        }
        return ordered;
    }

    // ---- data plane: an app's deployment endpoint and the Front Door endpoint ------------------------------

    private Answer dataPlane(String purpose, String method, String path, Fields query, byte[] body) {
        if (purpose.startsWith("scm:")) {
            String siteId = purpose.substring(4);
            ObjectNode site = resources.get(siteId);
            if (site == null) {
                return Answer.of(404, F.textNode("site not found"));
            }
            if (!method.equals("POST") || !path.equals("/api/publish")) {
                return Answer.of(404, F.textNode("not found"));
            }
            if (!"jar".equals(query.getValue("type"))) {
                return Answer.of(400, F.textNode("type must be jar for a Java SE app"));
            }
            if (body.length < 4 || body[0] != 'P' || body[1] != 'K') {
                return Answer.of(400, F.textNode("the package is not a jar (zip) file"));
            }
            uploads.put(key(nameOf(site.path("id").asText())), body);
            return Answer.of(200, null);
        }
        if (purpose.startsWith("endpoint:")) {
            return frontDoor(purpose.substring(9), method, path);
        }
        return Answer.of(404, null);
    }

    /**
     * Front Door's routing, reduced to what hadr checks: the route's origin group; enabled origins
     * whose app is running (a stopped app fails probes); the lowest priority wins; with no healthy
     * origin, a request goes to an enabled one anyway and gets the stopped app's 403.
     */
    private Answer frontDoor(String endpointId, String method, String path) {
        ObjectNode route = resources.entrySet().stream()
                .filter(e -> e.getKey().startsWith(endpointId + "/routes/"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        if (route == null) {
            return Answer.of(404, F.textNode("Our services aren't available right now (no route)"));
        }
        String group =
                key(route.path("properties").path("originGroup").path("id").asText());
        List<ObjectNode> enabled = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
            if (e.getKey().startsWith(group + "/origins/")
                    && "Enabled"
                            .equals(e.getValue()
                                    .path("properties")
                                    .path("enabledState")
                                    .asText())) {
                enabled.add(e.getValue());
            }
        }
        ObjectNode best = null;
        for (ObjectNode origin : enabled) {
            ObjectNode site =
                    siteOfHost(origin.path("properties").path("hostName").asText());
            boolean healthy = site != null
                    && "Running".equals(site.path("properties").path("state").asText());
            if (healthy
                    && (best == null
                            || origin.path("properties").path("priority").asInt()
                                    < best.path("properties").path("priority").asInt())) {
                best = origin;
            }
        }
        if (best == null) {
            return enabled.isEmpty()
                    ? Answer.of(503, F.textNode("no enabled origin"))
                    : Answer.of(403, F.textNode("Error 403 - This web app is stopped."));
        }
        ObjectNode site = siteOfHost(best.path("properties").path("hostName").asText());
        String location = site.path("location").asText();
        return Answer.of(
                200,
                F.objectNode()
                        .put("region", DISPLAY_NAMES.getOrDefault(location, location))
                        .put("hostname", site.path("name").asText()));
    }

    private ObjectNode siteOfHost(String host) {
        return resources.values().stream()
                .filter(r -> "Microsoft.Web/sites".equals(typeOf(r.path("id").asText())))
                .filter(r ->
                        r.path("properties").path("defaultHostName").asText().equalsIgnoreCase(host))
                .findFirst()
                .orElse(null);
    }
}
