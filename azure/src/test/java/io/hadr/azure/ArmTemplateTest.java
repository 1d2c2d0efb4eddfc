package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ARM template from a topology: byte-identical output, golden files for the strategies, and
 * every topology setting accounted for. Regenerate the golden files after a deliberate change with
 * {@code mvn -pl azure test -Dtest=ArmTemplateTest -Dhadr.golden.update=true} and review the diff.
 */
class ArmTemplateTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static Topology topology(String name) throws IOException {
        if (name.equals("active-passive")) {
            return TopologyLoader.builtIn();
        }
        try (InputStream in = ArmTemplateTest.class.getResourceAsStream("/golden/" + name + ".yaml")) {
            return TopologyLoader.parse(name + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Stream<String> cases() {
        return Stream.of("active-passive", "active-active", "warm-standby", "cold-standby", "automatic-failover");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheGoldenFile(String name) throws IOException {
        TemplateFiles files = ArmTemplate.generate(topology(name));
        String mapping = String.join(
                        "\n",
                        files.mapping().stream().map(TopologyMapping::toString).toList()) + "\n";

        if (Boolean.getBoolean("hadr.golden.update")) {
            Files.writeString(GOLDEN.resolve(name + ".azuredeploy.json"), files.template());
            Files.writeString(GOLDEN.resolve(name + ".mapping.txt"), mapping);
            Files.writeString(GOLDEN.resolve("azuredeploy.parameters.json"), files.parameters());
        }

        assertThat(files.template()).isEqualTo(Files.readString(GOLDEN.resolve(name + ".azuredeploy.json")));
        assertThat(mapping).isEqualTo(Files.readString(GOLDEN.resolve(name + ".mapping.txt")));
        assertThat(files.parameters()).isEqualTo(Files.readString(GOLDEN.resolve("azuredeploy.parameters.json")));
    }

    @Test
    void theSameTopologyGivesByteIdenticalFilesWhateverTheOrderOfItsSettings() {
        String one = """
                name: shop
                app:
                  env: {B: "2", A: "1", C: "3"}
                """;
        String other = """
                app:
                  env: {C: "3", A: "1", B: "2"}
                name: shop
                """;

        TemplateFiles first = ArmTemplate.generate(TopologyLoader.parse("one.yaml", one));
        TemplateFiles second = ArmTemplate.generate(TopologyLoader.parse("other.yaml", other));

        assertThat(first.template()).isEqualTo(second.template());
        assertThat(first.parameters()).isEqualTo(second.parameters());
        assertThat(first.template()).doesNotContain("\r").endsWith("}\n");
        assertThat(first.template().indexOf("\"A\""))
                .isLessThan(first.template().indexOf("\"B\""));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyTopologySettingMapsToATemplateValueOrIsReportedAsLocalOnly(String name) throws IOException {
        Topology topology = topology(name);
        TemplateFiles files = ArmTemplate.generate(topology);
        List<String> settings =
                files.mapping().stream().map(TopologyMapping::setting).toList();

        List<String> expected = new ArrayList<>();
        for (String path : leafPaths(Topology.class, "")) {
            expected.addAll(yamlKeys(path, topology));
        }

        assertThat(settings).doesNotHaveDuplicates();
        assertThat(settings).containsAll(expected);
        assertThat(files.mapping()).allSatisfy(m -> assertThat(m.note()).isNotNull());
        assertThat(files.localOnly()).allSatisfy(m -> assertThat(m.note()).isNotBlank());
    }

    /** Record component paths of the topology, e.g. {@code frontDoor.probe.interval}, {@code regions[].id}. */
    private static List<String> leafPaths(Class<?> type, String prefix) {
        List<String> paths = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String path = prefix + component.getName();
            Class<?> componentType = component.getType();
            if (componentType.isRecord()) {
                paths.addAll(leafPaths(componentType, path + "."));
            } else if (List.class.isAssignableFrom(componentType)
                    && element(component.getGenericType()).isRecord()) {
                paths.addAll(leafPaths(element(component.getGenericType()), path + "[]."));
            } else {
                paths.add(path);
            }
        }
        return paths;
    }

    private static Class<?> element(Type listType) {
        Type argument = ((ParameterizedType) listType).getActualTypeArguments()[0];
        return argument instanceof Class<?> c ? c : Object.class;
    }

    /** The hadr.yaml keys a record path is written as (per region for lists keyed by region). */
    private static List<String> yamlKeys(String path, Topology topology) {
        Set<String> metadata =
                Set.of("source", "nonAzureSettings", "frontDoor.origins[].regionId", "frontDoor.frontDoorIdGiven");
        if (metadata.contains(path)) {
            // Where the topology came from, the notes derived from it, the key of an origin, whether an id was
            // written or stands in: not settings.
            return List.of();
        }
        Map<String, String> renames =
                Map.of("app.environment", "app.env", "frontDoor.probe.", "frontDoor.healthProbe.");
        String yaml = path;
        for (Map.Entry<String, String> rename : renames.entrySet()) {
            if (yaml.startsWith(rename.getKey())) {
                yaml = rename.getValue() + yaml.substring(rename.getKey().length());
            }
        }
        String key = yaml;
        List<String> keys = new ArrayList<>();
        if (key.startsWith("regions[].")) {
            topology.regions()
                    .forEach(r -> keys.add("regions[" + r.id() + "]." + key.substring("regions[].".length())));
        } else if (key.startsWith("frontDoor.origins[].")) {
            topology.regions()
                    .forEach(r -> keys.add(
                            "frontDoor.origins." + r.id() + "." + key.substring("frontDoor.origins[].".length())));
        } else {
            keys.add(key);
        }
        return keys;
    }

    @Test
    void theAppsGetTheListenerTheFrontDoorIdAndAnAccessRuleForThisFrontDoorOnly() {
        JsonNode template = ArmTemplate.generate(TopologyLoader.builtIn()).templateJson();
        JsonNode site = resources(template, "Microsoft.Web/sites").get(0);
        JsonNode config = site.path("properties").path("siteConfig");

        assertThat(site.path("kind").asText()).isEqualTo("app,linux");
        assertThat(site.path("apiVersion").asText()).isEqualTo(AzureApi.WEB);
        assertThat(config.path("linuxFxVersion").asText()).isEqualTo("[parameters('linuxFxVersion')]");
        assertThat(config.path("healthCheckPath").asText()).isEqualTo("/health");
        assertThat(config.path("ipSecurityRestrictionsDefaultAction").asText()).isEqualTo("Deny");
        JsonNode rule = config.path("ipSecurityRestrictions").get(0);
        assertThat(rule.path("tag").asText()).isEqualTo("ServiceTag");
        assertThat(rule.path("ipAddress").asText()).isEqualTo("AzureFrontDoor.Backend");
        assertThat(rule.path("headers").path("x-azure-fdid").get(0).asText()).contains(".frontDoorId]");
        Map<String, String> settings = new java.util.TreeMap<>();
        config.path("appSettings")
                .forEach(s ->
                        settings.put(s.path("name").asText(), s.path("value").asText()));
        assertThat(settings.get(ArmTemplate.DB_URL))
                .contains("variables('failoverGroup')")
                .contains(".database.windows.net:1433;database={1}");
        assertThat(settings.get(ArmTemplate.FRONT_DOOR_ID)).contains("reference(resourceId('Microsoft.Cdn/profiles'");
        assertThat(settings.get("WEBSITE_HEALTHCHECK_MAXPINGFAILURES")).isEqualTo("10");
        assertThat(template.path("parameters")
                        .path("linuxFxVersion")
                        .path("allowedValues")
                        .toString())
                .contains("JAVA|17-java17")
                .contains("JAVA|21-java21");
    }

    @Test
    void theStrategyDecidesPrioritiesWeightsAndWhetherThereIsAFailoverGroup() throws IOException {
        JsonNode activeActive = ArmTemplate.generate(topology("active-active")).templateJson();
        JsonNode cold = ArmTemplate.generate(topology("cold-standby")).templateJson();

        List<JsonNode> origins = resources(activeActive, "Microsoft.Cdn/profiles/originGroups/origins");
        assertThat(origins)
                .extracting(o -> o.path("properties").path("priority").asInt())
                .containsExactly(1, 1);
        assertThat(origins)
                .extracting(o -> o.path("properties").path("weight").asInt())
                .containsExactly(1000, 500);
        assertThat(resources(activeActive, "Microsoft.Web/serverfarms"))
                .allSatisfy(
                        p -> assertThat(p.path("sku").path("capacity").asInt()).isEqualTo(2));
        assertThat(resources(cold, "Microsoft.Sql/servers/failoverGroups")).isEmpty();
        assertThat(resources(cold, "Microsoft.Sql/servers/databases")
                        .get(0)
                        .path("properties")
                        .path("requestedBackupStorageRedundancy")
                        .asText())
                .isEqualTo("Geo");
        assertThat(resources(cold, "Microsoft.Web/sites")
                        .get(0)
                        .path("properties")
                        .path("siteConfig")
                        .has("ipSecurityRestrictions"))
                .isFalse();
    }

    @Test
    void valuesOutsideAzuresRangesAreAdjustedAndSaidSo() throws IOException {
        TemplateFiles files = ArmTemplate.generate(topology("automatic-failover"));
        JsonNode template = files.templateJson();

        assertThat(resources(template, "Microsoft.Cdn/profiles/originGroups")
                        .get(0)
                        .path("properties")
                        .path("healthProbeSettings")
                        .path("probeIntervalInSeconds")
                        .asInt())
                .isEqualTo(1);
        assertThat(resources(template, "Microsoft.Cdn/profiles")
                        .get(0)
                        .path("properties")
                        .path("originResponseTimeoutSeconds")
                        .asInt())
                .isEqualTo(16);
        assertThat(resources(template, "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies")
                        .get(0)
                        .path("properties")
                        .path("retentionDays")
                        .asInt())
                .isEqualTo(1);
        JsonNode readWrite = resources(template, "Microsoft.Sql/servers/failoverGroups")
                .get(0)
                .path("properties")
                .path("readWriteEndpoint");
        assertThat(readWrite.path("failoverPolicy").asText()).isEqualTo("Automatic");
        assertThat(readWrite.path("failoverWithDataLossGracePeriodMinutes").asInt())
                .isEqualTo(90);
        assertThat(files.adjusted())
                .extracting(TopologyMapping::setting)
                .containsExactlyInAnyOrder(
                        "backups.retention", "frontDoor.originResponseTimeout", "frontDoor.healthProbe.interval");
        assertThat(files.localOnly()).extracting(TopologyMapping::setting).contains("database.replication");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a-very-long-topology-name-of-forty-chars", "x1"})
    void globallyUniqueNamesStayWithinAzuresLengthLimits(String name) {
        Topology topology = TopologyLoader.parse(
                "t.yaml",
                "name: " + name + "\nregions:\n  - {id: australiasoutheast, role: primary}\n"
                        + "  - {id: southeastasia, role: secondary}\n");
        JsonNode variables = ArmTemplate.generate(topology).templateJson().path("variables");

        variables.fields().forEachRemaining(e -> {
            String value = e.getValue().asText();
            int literal = value.startsWith("[format(") ? value.split("'")[3].length() + 1 + 13 : value.length();
            int max = e.getKey().startsWith("sqlServer") || e.getKey().equals("failoverGroup")
                    ? 63
                    : e.getKey().equals("endpoint") ? 50 : 60;
            assertThat(literal).as(e.getKey() + " = " + value).isLessThanOrEqualTo(max);
            assertThat(value).doesNotContain("-'");
        });
    }

    static List<JsonNode> resources(JsonNode template, String type) {
        List<JsonNode> found = new ArrayList<>();
        template.path("resources").forEach(r -> {
            if (r.path("type").asText().equals(type)) {
                found.add(r);
            }
        });
        return found;
    }
}
