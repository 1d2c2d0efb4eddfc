package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hadr.azure.fake.FakeArm;
import io.hadr.azure.fake.FakeAzure;
import io.hadr.azure.internal.ArmClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ARM's long-running operation protocol and error shapes, through the real azure-core pipeline, against the fake. */
class AzureArmClientIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private FakeAzure azure;
    private FakeArm arm;
    private ArmClient client;
    private String rg;

    @BeforeEach
    void start() throws Exception {
        azure = FakeAzure.start();
        arm = azure.arm();
        client = azure.client();
        rg = azure.target().resourceGroupId();
        client.put(
                rg,
                AzureApi.RESOURCES,
                F.objectNode().put("location", "centralindia"),
                Duration.ofSeconds(30),
                line -> {});
    }

    @AfterEach
    void stop() throws Exception {
        azure.close();
    }

    private ObjectNode profile() {
        ObjectNode body = F.objectNode().put("location", "global");
        body.putObject("sku").put("name", "Standard_AzureFrontDoor");
        body.putObject("properties").put("originResponseTimeoutSeconds", 60);
        return body;
    }

    @Test
    void aPutAnsweredWithAzureAsyncOperationIsPolledUntilItSucceedsThenReadBack() {
        arm.pollsPerOperation(3);

        JsonNode profile = client.put(
                rg + "/providers/Microsoft.Cdn/profiles/fd",
                AzureApi.CDN,
                profile(),
                Duration.ofSeconds(30),
                line -> {});

        assertThat(profile.path("properties").path("provisioningState").asText())
                .isEqualTo("Succeeded");
        assertThat(profile.path("properties")
                        .path("originResponseTimeoutSeconds")
                        .asInt())
                .isEqualTo(60);
        assertThat(arm.requests().stream()
                        .filter(r -> r.startsWith("GET /fake/operations/"))
                        .count())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aRelativeLocationHeaderIsResolvedAgainstTheEndpointAndPolledToTheResult() {
        ObjectNode server = F.objectNode().put("location", "centralindia");
        server.putObject("properties").put("administratorLogin", "a").put("administratorLoginPassword", "P@ssw0rd-123");

        JsonNode created = client.put(
                rg + "/providers/Microsoft.Sql/servers/srv", AzureApi.SQL, server, Duration.ofSeconds(30), line -> {});

        assertThat(created.path("properties").path("fullyQualifiedDomainName").asText())
                .isEqualTo("srv.database.windows.net");
        assertThat(arm.requests()).anyMatch(r -> r.startsWith("GET /fake/results/"));
    }

    @Test
    void anOperationThatOutlivesItsDeadlineFailsWithTheElapsedTimeAndLastStatus() {
        arm.pollsPerOperation(1_000_000);
        List<String> progress = new ArrayList<>();

        assertThatThrownBy(() -> client.put(
                        rg + "/providers/Microsoft.Cdn/profiles/fd",
                        AzureApi.CDN,
                        profile(),
                        Duration.ofMillis(600),
                        progress::add))
                .isInstanceOf(AzureException.class)
                .hasMessageContaining("PUT Microsoft.Cdn/profiles fd did not finish within")
                .hasMessageContaining("last status InProgress")
                .hasMessageContaining("it may still finish in Azure");
        assertThat(progress).anyMatch(line -> line.contains("InProgress after"));
    }

    @Test
    void azuresErrorIsOneLineWithStatusCodeAndResource() {
        ObjectNode bad = profile();
        ((ObjectNode) bad.path("properties")).put("originResponseTimeoutSeconds", 5);

        assertThatThrownBy(() -> client.put(
                        rg + "/providers/Microsoft.Cdn/profiles/fd",
                        AzureApi.CDN,
                        bad,
                        Duration.ofSeconds(30),
                        line -> {}))
                .isInstanceOf(AzureException.class)
                .hasMessage(
                        "PUT Microsoft.Cdn/profiles fd: Azure answered 400 BadRequest: OriginResponseTimeoutSeconds must be at least 16, but was 5.")
                .satisfies(e -> assertThat(((AzureException) e).status()).isEqualTo(400));
    }

    @Test
    void appServicesOwnErrorShapeIsReadToo() {
        assertThatThrownBy(() -> client.get(rg + "/providers/Microsoft.Web/sites/nosuchsite", AzureApi.WEB))
                .isInstanceOf(AzureException.class)
                .hasMessageStartingWith("GET Microsoft.Web/sites nosuchsite: Azure answered 404 ResourceNotFound: ");
        assertThat(client.find(rg + "/providers/Microsoft.Web/sites/nosuchsite", AzureApi.WEB))
                .isEmpty();
    }

    @Test
    void withoutATokenAzureRefusesAndTheMessageSaysSo() {
        ArmClient anonymous = new ArmClient(
                ArmClient.pipeline(
                        null,
                        azure.target().scope(),
                        new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder(
                                        java.net.http.HttpClient.newBuilder()
                                                .sslContext(arm.certificate().clientContext()))
                                .build()),
                arm.armEndpoint(),
                java.time.Clock.systemUTC(),
                io.hadr.azure.internal.Sleeper.REAL,
                FakeAzure.FAST);

        assertThatThrownBy(() -> anonymous.get(rg, AzureApi.RESOURCES))
                .isInstanceOf(AzureException.class)
                .hasMessageContaining("401 AuthenticationFailed");
    }

    @Test
    void aThrottledReadIsRetriedButAFailedActionIsNeverSentTwice() {
        arm.failNext("GET", "/resourcegroups/" + FakeAzure.GROUP.toLowerCase(), 429, "TooManyRequests", "slow down");

        assertThat(client.get(rg, AzureApi.RESOURCES).path("name").asText()).isEqualTo(FakeAzure.GROUP);

        arm.failNext("POST", "/stop", 503, "ServiceUnavailable", "try later");
        long before = arm.requests().stream().filter(r -> r.endsWith("/stop")).count();
        assertThatThrownBy(() -> client.post(
                        rg + "/providers/Microsoft.Web/sites/x/stop",
                        AzureApi.WEB,
                        null,
                        Duration.ofSeconds(5),
                        l -> {}))
                .hasMessageContaining("503 ServiceUnavailable");
        assertThat(arm.requests().stream().filter(r -> r.endsWith("/stop")).count())
                .isEqualTo(before + 1);
    }

    @Test
    void aWrongApiVersionIsRefusedByTheFakeAsByAzure() {
        ArmClient.Reply reply = client.send(
                HttpMethod.GET,
                URI.create(arm.armEndpoint() + rg + "/providers/Microsoft.Web/sites/x?api-version=2016-08-01"),
                null,
                null);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("code").asText()).isEqualTo("InvalidApiVersionParameter");
    }
}
