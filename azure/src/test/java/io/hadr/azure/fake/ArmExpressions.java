package io.hadr.azure.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The part of ARM's template expression language the fake deploys: {@code [func(args).prop]}
 * with string, integer and boolean literals and the functions {@code parameters}, {@code variables},
 * {@code format}, {@code concat}, {@code toLower}, {@code uniqueString}, {@code resourceGroup},
 * {@code subscription}, {@code resourceId} and {@code reference}. An unknown function is an
 * error, so a template that uses more than the fake understands fails loudly instead of deploying
 * something else. {@code uniqueString} is a stable 13-character hash like ARM's, not ARM's exact
 * algorithm (which is not published).
 */
final class ArmExpressions {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** What expressions can see. */
    static final class Scope {
        final String subscriptionId;
        final String resourceGroupName;
        final String resourceGroupLocation;
        final JsonNode parameters;
        final JsonNode variables;
        /** (resource id, api-version) → the resource's properties. */
        final BiFunction<String, String, JsonNode> reference;

        private final Set<String> evaluating = new HashSet<>();

        Scope(
                String subscriptionId,
                String resourceGroupName,
                String resourceGroupLocation,
                JsonNode parameters,
                JsonNode variables,
                BiFunction<String, String, JsonNode> reference) {
            this.subscriptionId = subscriptionId;
            this.resourceGroupName = resourceGroupName;
            this.resourceGroupLocation = resourceGroupLocation;
            this.parameters = parameters;
            this.variables = variables;
            this.reference = reference;
        }

        String resourceGroupId() {
            return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName;
        }
    }

    private ArmExpressions() {}

    /** Evaluates every expression string inside {@code value}, returning a new tree. */
    static JsonNode evaluateTree(JsonNode value, Scope scope) {
        if (value.isTextual()) {
            return evaluateString(value.asText(), scope);
        }
        if (value.isObject()) {
            ObjectNode result = F.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                result.set(field.getKey(), evaluateTree(field.getValue(), scope));
            }
            return result;
        }
        if (value.isArray()) {
            ArrayNode result = F.arrayNode();
            value.forEach(item -> result.add(evaluateTree(item, scope)));
            return result;
        }
        return value.deepCopy();
    }

    static JsonNode evaluateString(String text, Scope scope) {
        if (text.startsWith("[[")) {
            return TextNode.valueOf(text.substring(1));
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            Parser parser = new Parser(text.substring(1, text.length() - 1), scope);
            JsonNode result = parser.expression();
            parser.end();
            return result;
        }
        return TextNode.valueOf(text);
    }

    /** A recursive-descent parser that evaluates as it parses. */
    private static final class Parser {
        private final String text;
        private final Scope scope;
        private int pos;

        Parser(String text, Scope scope) {
            this.text = text;
            this.scope = scope;
        }

        void end() {
            skipSpace();
            if (pos != text.length()) {
                throw error("unexpected text");
            }
        }

        JsonNode expression() {
            skipSpace();
            JsonNode value;
            char c = peek();
            if (c == '\'') {
                value = TextNode.valueOf(string());
            } else if (Character.isDigit(c) || c == '-') {
                int start = pos++;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                value = F.numberNode(Long.parseLong(text.substring(start, pos)));
            } else {
                String name = identifier();
                if (name.equals("true") || name.equals("false")) {
                    value = F.booleanNode(name.equals("true"));
                } else {
                    expect('(');
                    List<JsonNode> args = new ArrayList<>();
                    skipSpace();
                    if (peek() != ')') {
                        args.add(expression());
                        skipSpace();
                        while (peek() == ',') {
                            pos++;
                            args.add(expression());
                            skipSpace();
                        }
                    }
                    expect(')');
                    value = call(name, args);
                }
            }
            while (true) {
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == '.') {
                    pos++;
                    value = property(value, identifier());
                } else if (pos < text.length() && text.charAt(pos) == '[') {
                    pos++;
                    JsonNode key = expression();
                    expect(']');
                    value = key.isNumber() ? value.path(key.asInt()) : property(value, key.asText());
                } else {
                    return value;
                }
            }
        }

        private JsonNode property(JsonNode value, String name) {
            JsonNode result = value.get(name);
            if (result == null) {
                throw error("no property '" + name + "' in " + value);
            }
            return result;
        }

        private JsonNode call(String name, List<JsonNode> args) {
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "parameters" -> {
                    JsonNode value = scope.parameters.get(args.get(0).asText());
                    if (value == null) {
                        throw error("no parameter '" + args.get(0).asText() + "'");
                    }
                    return value;
                }
                case "variables" -> {
                    String variable = args.get(0).asText();
                    JsonNode raw = scope.variables.get(variable);
                    if (raw == null) {
                        throw error("no variable '" + variable + "'");
                    }
                    if (!scope.evaluating.add(variable)) {
                        throw error("variable '" + variable + "' refers to itself");
                    }
                    try {
                        return evaluateTree(raw, scope);
                    } finally {
                        scope.evaluating.remove(variable);
                    }
                }
                case "format" -> {
                    String format = args.get(0).asText();
                    for (int i = 1; i < args.size(); i++) {
                        format = format.replace("{" + (i - 1) + "}", args.get(i).asText());
                    }
                    return TextNode.valueOf(format);
                }
                case "concat" -> {
                    StringBuilder joined = new StringBuilder();
                    args.forEach(arg -> joined.append(arg.asText()));
                    return TextNode.valueOf(joined.toString());
                }
                case "tolower" -> {
                    return TextNode.valueOf(args.get(0).asText().toLowerCase(java.util.Locale.ROOT));
                }
                case "uniquestring" -> {
                    return TextNode.valueOf(uniqueString(args));
                }
                case "resourcegroup" -> {
                    return F.objectNode()
                            .put("id", scope.resourceGroupId())
                            .put("name", scope.resourceGroupName)
                            .put("location", scope.resourceGroupLocation);
                }
                case "subscription" -> {
                    return F.objectNode()
                            .put("id", "/subscriptions/" + scope.subscriptionId)
                            .put("subscriptionId", scope.subscriptionId);
                }
                case "resourceid" -> {
                    return TextNode.valueOf(resourceId(
                            scope.resourceGroupId(),
                            args.get(0).asText(),
                            args.subList(1, args.size()).stream()
                                    .map(JsonNode::asText)
                                    .toList()));
                }
                case "reference" -> {
                    return scope.reference.apply(
                            args.get(0).asText(), args.size() > 1 ? args.get(1).asText() : null);
                }
                default -> throw error("the fake does not know the function " + name + "()");
            }
        }

        private String string() {
            expect('\'');
            StringBuilder value = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '\'') {
                    if (pos < text.length() && text.charAt(pos) == '\'') {
                        value.append('\'');
                        pos++;
                    } else {
                        return value.toString();
                    }
                } else {
                    value.append(c);
                }
            }
        }

        private String identifier() {
            skipSpace();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a name");
            }
            return text.substring(start, pos);
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("template expression [" + text + "] at " + pos + ": " + what);
        }
    }

    /** {@code resourceId('Microsoft.Sql/servers/databases', 'srv', 'db')} → {@code <rg>/providers/Microsoft.Sql/servers/srv/databases/db}. */
    static String resourceId(String resourceGroupId, String type, List<String> names) {
        String[] types = type.split("/");
        if (types.length - 1 != names.size()) {
            throw new IllegalArgumentException(
                    "resourceId(" + type + ") needs " + (types.length - 1) + " names, got " + names);
        }
        StringBuilder id =
                new StringBuilder(resourceGroupId).append("/providers/").append(types[0]);
        for (int i = 1; i < types.length; i++) {
            id.append('/').append(types[i]).append('/').append(names.get(i - 1));
        }
        return id.toString();
    }

    private static String uniqueString(List<JsonNode> args) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (JsonNode arg : args) {
                digest.update(arg.asText().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            byte[] hash = digest.digest();
            String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 13; i++) {
                out.append(alphabet.charAt((hash[i] & 0xff) % 32));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
