package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.hadr.core.topology.TopologyLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every resource of every generated template validates against Azure's published ARM schema for
 * its type and api-version ({@code Azure/azure-resource-manager-schemas}, pinned and vendored
 * under {@code src/test/resources/azure-specs/schemas}); nothing is fetched from the network.
 */
class ArmTemplateSchemaTest {

    private static final String SCHEMAS = "https://schema.management.azure.com/schemas/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_4,
            builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix(SCHEMAS, "classpath:azure-specs/schemas/")));
    private static final JsonMapper JACKSON3 = JsonMapper.builder().build();
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    /** The schema of a resource type at an api-version: {@code <version>/<Provider>.json#/resourceDefinitions/<types_joined>}. */
    static Schema schemaFor(String type, String apiVersion) {
        return CACHE.computeIfAbsent(type + "@" + apiVersion, k -> {
            String provider = type.substring(0, type.indexOf('/'));
            String definition = type.substring(type.indexOf('/') + 1).replace('/', '_');
            return REGISTRY.getSchema(SchemaLocation.of(
                    SCHEMAS + apiVersion + "/" + provider + ".json#/resourceDefinitions/" + definition));
        });
    }

    /** What the pinned schema of the resource's type says about it (the schema's apiVersion enum included). */
    static List<String> errors(JsonNode resource) {
        String type = resource.path("type").asText();
        Schema schema = schemaFor(type, AzureApi.forType(type));
        List<String> errors = new ArrayList<>();
        for (Error error : schema.validate(JACKSON3.readTree(resource.toString()))) {
            errors.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return errors;
    }

    @ParameterizedTest
    @MethodSource("io.hadr.azure.ArmTemplateTest#cases")
    void everyResourceValidatesAgainstAzuresSchemaForItsTypeAndApiVersion(String name) throws IOException {
        JsonNode template = ArmTemplate.generate(ArmTemplateTest.topology(name)).templateJson();

        assertThat(template.path("resources")).isNotEmpty();
        for (JsonNode resource : template.path("resources")) {
            assertThat(resource.path("apiVersion").asText())
                    .isEqualTo(AzureApi.forType(resource.path("type").asText()));
            assertThat(errors(resource))
                    .as(resource.path("type").asText() + " "
                            + resource.path("name").asText())
                    .isEmpty();
        }
    }

    @Test
    void theSchemasCoverEveryTypeTheTemplateUses() {
        JsonNode template = ArmTemplate.generate(TopologyLoader.builtIn()).templateJson();

        List<String> types = new ArrayList<>();
        template.path("resources").forEach(r -> types.add(r.path("type").asText()));

        assertThat(types)
                .containsExactlyInAnyOrder(
                        "Microsoft.Web/serverfarms",
                        "Microsoft.Web/serverfarms",
                        "Microsoft.Sql/servers",
                        "Microsoft.Sql/servers/firewallRules",
                        "Microsoft.Sql/servers",
                        "Microsoft.Sql/servers/firewallRules",
                        "Microsoft.Sql/servers/databases",
                        "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies",
                        "Microsoft.Sql/servers/failoverGroups",
                        "Microsoft.Cdn/profiles",
                        "Microsoft.Cdn/profiles/afdEndpoints",
                        "Microsoft.Cdn/profiles/originGroups",
                        "Microsoft.Web/sites",
                        "Microsoft.Web/sites",
                        "Microsoft.Cdn/profiles/originGroups/origins",
                        "Microsoft.Cdn/profiles/originGroups/origins",
                        "Microsoft.Cdn/profiles/afdEndpoints/routes");
        for (String type : types) {
            assertThat(schemaFor(type, AzureApi.forType(type))).as(type).isNotNull();
        }
    }

    @Test
    void theSchemasRejectWhatAzureRejects() {
        JsonNode template = ArmTemplate.generate(TopologyLoader.builtIn()).templateJson();
        ObjectNode origin = ArmTemplateTest.resources(template, "Microsoft.Cdn/profiles/originGroups/origins")
                .get(0)
                .deepCopy();
        ObjectNode group = ArmTemplateTest.resources(template, "Microsoft.Cdn/profiles/originGroups")
                .get(0)
                .deepCopy();
        ObjectNode fog = ArmTemplateTest.resources(template, "Microsoft.Sql/servers/failoverGroups")
                .get(0)
                .deepCopy();
        ObjectNode site = ArmTemplateTest.resources(template, "Microsoft.Web/sites")
                .get(0)
                .deepCopy();

        ((ObjectNode) origin.path("properties")).put("priority", 6);
        ((ObjectNode) group.path("properties").path("healthProbeSettings")).put("probeIntervalInSeconds", 300);
        ((ObjectNode) fog.path("properties").path("readWriteEndpoint")).put("failoverPolicy", "Sometimes");
        site.put("apiVersion", "2025-03-01");

        assertThat(errors(origin)).anyMatch(e -> e.contains("priority"));
        assertThat(errors(group)).anyMatch(e -> e.contains("probeIntervalInSeconds"));
        assertThat(errors(fog)).anyMatch(e -> e.contains("failoverPolicy"));
        assertThat(errors(site)).anyMatch(e -> e.contains("apiVersion"));
    }
}
