package io.hadr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.azure.AzurePlatform;
import io.hadr.azure.AzureResources;
import io.hadr.azure.fake.FakeArm;
import io.hadr.azure.fake.FakeAzure;
import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.FailoverMode;
import io.hadr.core.topology.TopologyLoader;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hadr azure template|up|status|down} as a user runs them: the built hadr.jar in its own
 * JVM, azure-identity's default chain reduced to the Azure CLI credential with a stand-in
 * {@code az} on the PATH, HTTPS to the fake ARM with the bearer token it hands out.
 */
class AzureCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "hadr-cli-rg";

    @TempDir
    Path workDir;

    private FakeAzure azure;
    private Path bin;

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        azure = FakeAzure.start();
        azure.arm().pollsPerOperation(1);
        bin = Files.createDirectories(workDir.resolve("bin"));
        Path az = bin.resolve("az");
        // Answers what AzureCliCredential runs: 'az account get-access-token --output json --resource <audience>'.
        Files.writeString(az, """
                #!/bin/sh
                case "$*" in
                  "account get-access-token"*)
                    expires=$(date -d '+1 hour' '+%Y-%m-%d %H:%M:%S.000000')
                    epoch=$(date -d '+1 hour' '+%s')
                    printf '{"accessToken": "TOKEN", "expiresOn": "%s", "expires_on": %s, "subscription": "SUB", "tenant": "00000000-0000-0000-0000-000000000001", "tokenType": "Bearer"}\\n' "$expires" "$epoch"
                    ;;
                  *)
                    echo "the test's az does not know: az $*" >&2
                    exit 2
                    ;;
                esac
                """.replace("TOKEN", FakeArm.TOKEN).replace("SUB", FakeArm.SUBSCRIPTION));
        Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws Exception {
        azure.close();
    }

    private Map<String, String> azureEnvironment(boolean withAz) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", (withAz ? bin + ":" : "") + System.getenv("PATH"));
        env.put("AZURE_TOKEN_CREDENTIALS", "AzureCliCredential");
        env.put("AZURE_SUBSCRIPTION_ID", FakeArm.SUBSCRIPTION);
        env.put("AZURE_DEFAULTS_GROUP", GROUP);
        env.put("HADR_AZURE_ARM_ENDPOINT", azure.arm().armEndpoint().toString());
        return env;
    }

    private Result hadr(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + azure.arm().certificate().trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + io.hadr.azure.fake.TestCertificate.PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-jar",
                Cli.jar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("AZURE_SUBSCRIPTION_ID");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    "hadr " + String.join(" ", args) + " did not finish within 5 minutes:\n" + Files.readString(out));
        }
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void templateWritesTheSameBytesEveryTimeAndSaysWhatStaysLocal() throws Exception {
        Result first = hadr(Map.of(), "azure", "template", "-o", "one");
        Result second = hadr(Map.of(), "azure", "template", "-o", "two");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        for (String file : List.of("azuredeploy.json", "azuredeploy.parameters.json")) {
            assertThat(Files.readAllBytes(workDir.resolve("one").resolve(file)))
                    .isEqualTo(Files.readAllBytes(workDir.resolve("two").resolve(file)));
        }
        assertThat(Files.readString(workDir.resolve("one/azuredeploy.json")))
                .contains("\"Microsoft.Sql/servers/failoverGroups\"");
        assertThat(first.out())
                .contains("(17 resources)")
                .contains("local-only: frontDoor.retryOnNextOrigin")
                .contains("az deployment group create");
    }

    @Test
    void upStatusADrillThroughAzurePlatformAndDownAgainstTheFakeArm() throws Exception {
        Map<String, String> env = azureEnvironment(true);

        Result up = hadr(env, "azure", "up", "--timeout", "PT2M");

        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(up.out())
                .contains("resource group " + GROUP + " created in centralindia")
                .contains("created Microsoft.Sql/servers/failoverGroups")
                .contains("SQL administrator password generated")
                .contains("endpoint https://127.0.0.1:")
                .contains("answers from Central India")
                .contains("REGION")
                .contains("centralindia")
                .contains("p2 w1000 enabled");
        assertThat(Files.readString(workDir.resolve(".hadr/azure-sql-password")).strip())
                .hasSize(24);
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(workDir.resolve(".hadr/azure-sql-password"))))
                .isEqualTo("rw-------");

        Result status = hadr(env, "azure", "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode json = JSON.readTree(status.out());
        assertThat(json.path("platform").asText()).isEqualTo("azure");
        assertThat(json.path("regions").get(0).path("id").asText()).isEqualTo("centralindia");
        assertThat(json.path("database").path("primary").asText()).isEqualTo("centralindia");
        assertThat(json.path("endpoint").asText()).startsWith("https://127.0.0.1:");

        // A drill's steps through the Platform the drill engine will use, against the same deployment.
        AzurePlatform platform =
                new AzurePlatform(TopologyLoader.builtIn(), azure.target(GROUP), azure.client(), line -> {});
        AzureResources names = platform.resources();
        assertThat(azure.arm().upload(names.region("centralindia").site())).hasSizeGreaterThan(1_000_000);
        platform.app("centralindia", AppAction.STOP);
        assertThat(endpoint(platform)).contains("South India");
        platform.failover(FailoverMode.PLANNED);
        platform.app("centralindia", AppAction.START);

        Result after = hadr(env, "azure", "status");
        assertThat(after.exitCode()).as(after.toString()).isZero();
        assertThat(after.out()).contains("database: primary southindia, secondary centralindia");

        platform.failover(FailoverMode.PLANNED);
        Result unconfirmed = hadr(env, "azure", "down");
        assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(1);
        assertThat(unconfirmed.err()).contains("needs a confirmation").contains("--yes");
        assertThat(azure.arm().resourceGroupExists(GROUP)).isTrue();

        Result down = hadr(env, "azure", "down", "--yes");

        assertThat(down.exitCode()).as(down.toString()).isZero();
        assertThat(down.out())
                .contains("Microsoft.Sql/servers/failoverGroups")
                .contains("deleting resource group " + GROUP);
        assertThat(azure.arm().resourceGroupExists(GROUP)).isFalse();
        assertThat(hadr(env, "azure", "down", "--yes").out()).contains("nothing to delete");
    }

    @Test
    void drillRunWithAzureDrivesTheDeploymentThroughAzurePlatformAndSaysWhatAzureCannotDo() throws Exception {
        Map<String, String> env = azureEnvironment(true);
        Result up = hadr(env, "azure", "up", "--timeout", "PT2M");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        Files.writeString(workDir.resolve("cycle.yaml"), """
                title: The primary app stopped and started, the database failed over and back
                traffic:
                  reads: 5
                  writes: 0
                steadyState:
                  probes:
                    - reads succeed >= 99%
                method:
                  - do: app stop primary
                    fault: true
                  - wait 1s
                  - app start primary
                  - expect reads succeed within 60s
                  - db failover planned
                  - expect db primary is secondary within 60s
                  - db failover planned
                  - expect db primary is primary within 60s
                """);

        Result cycle = hadr(env, "drill", "run", "cycle.yaml", "--azure", "--report-dir", "cycle");
        Result regionOutage = hadr(env, "drill", "run", "region-outage", "--azure", "--report-dir", "region-outage");

        assertThat(cycle.exitCode()).as(cycle.toString()).isZero();
        JsonNode report = JSON.readTree(workDir.resolve("cycle/report.json").toFile());
        assertThat(report.path("platform").asText()).isEqualTo("azure");
        assertThat(report.path("verdict").asText()).isEqualTo("PASS");
        assertThat(report.path("steps"))
                .allSatisfy(step -> assertThat(step.path("status").asText())
                        .as(step.toString())
                        .isEqualTo("done"));
        assertThat(azure.arm().requests())
                .filteredOn(r -> r.startsWith("POST ") && r.endsWith("/stop"))
                .hasSize(1);
        assertThat(azure.arm().requests())
                .filteredOn(r -> r.startsWith("POST ") && r.endsWith("/failover"))
                .hasSize(2);
        JsonNode status = JSON.readTree(hadr(env, "azure", "status", "--json").out());
        assertThat(status.path("database").path("primary").asText()).isEqualTo("centralindia");
        assertThat(cycle.out()).contains("connecting to the deployment of hadr in resource group " + GROUP);
        JsonNode notApplicable =
                JSON.readTree(workDir.resolve("region-outage/report.json").toFile());
        assertThat(notApplicable.path("verdict").asText())
                .as(regionOutage.toString())
                .isEqualTo("NOT_APPLICABLE");
        assertThat(notApplicable.path("verdictReason").asText())
                .contains("the azure platform cannot")
                .contains("region");
    }

    private String endpoint(AzurePlatform platform) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(azure.arm().certificate().clientContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return client.send(HttpRequest.newBuilder(platform.endpoint()).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void withoutASubscriptionOrCredentialsTheErrorIsOneLineSayingWhatToDo() throws Exception {
        Map<String, String> noSubscription = azureEnvironment(true);
        noSubscription.remove("AZURE_SUBSCRIPTION_ID");

        Result missing = hadr(noSubscription, "azure", "status");
        Result noAz = hadr(azureEnvironment(false), "azure", "status");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip())
                .startsWith("hadr: no Azure subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID")
                .doesNotContain("\n");
        assertThat(noAz.exitCode()).as(noAz.toString()).isEqualTo(1);
        assertThat(noAz.err()
                        .lines()
                        .filter(l -> l.startsWith("hadr: "))
                        .findFirst()
                        .orElse(noAz.err()))
                .contains("no Azure credentials")
                .contains("az login");
    }
}
