package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app as App Service runs it: a real process, configured by environment variables, over real HTTP. */
class AppIT {

    private static final String FRONT_DOOR_ID = "3f2b1c9e-0d4a-4c6e-9a57-1e2d3c4b5a69";

    private static AppProcess app;
    private static AppProcess lockedApp;

    @BeforeAll
    static void startApps() throws Exception {
        app = AppProcess.start(Map.of(
                "REGION_NAME", "Central India",
                "WEBSITE_SITE_NAME", "hadr-centralindia",
                "WEBSITE_HOSTNAME", "hadr-centralindia.azurewebsites.net",
                "WEBSITE_INSTANCE_ID", "instance-ci-0"));
        lockedApp = AppProcess.start(Map.of(
                "REGION_NAME", "South India",
                "WEBSITE_INSTANCE_ID", "instance-si-0",
                "HADR_FRONT_DOOR_ID", FRONT_DOOR_ID));
    }

    @AfterAll
    static void stopApps() throws Exception {
        if (app != null) {
            app.close();
        }
        if (lockedApp != null) {
            lockedApp.close();
        }
    }

    @Test
    void rootAnswersWithRegionHostnameAndInstance() throws Exception {
        HttpResponse<String> response = app.get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body())
                .contains("\"region\":\"Central India\"")
                .contains("\"instance\":\"instance-ci-0\"")
                .contains("\"hostname\":\"")
                .contains("\"site\":\"hadr-centralindia\"")
                .contains("\"version\":\"")
                .contains("\"startedAt\":\"");
    }

    @Test
    void everyResponseCarriesRegionAndInstanceHeaders() throws Exception {
        for (String path : new String[] {"/", "/health", "/health/ready", "/no/such/path"}) {
            HttpResponse<String> response = app.get(path);

            assertThat(response.headers().firstValue("X-Hadr-Region")).as(path).hasValue("Central India");
            assertThat(response.headers().firstValue("X-Hadr-Instance"))
                    .as(path)
                    .hasValue("instance-ci-0");
        }
    }

    @Test
    void browsersGetAReadablePage() throws Exception {
        HttpResponse<String> response =
                app.send(HttpRequest.newBuilder(app.uri("/")).header("Accept", "text/html"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(response.body()).contains("Served from Central India").contains("instance-ci-0");
    }

    @Test
    void headHealthAnswers200WithoutBody() throws Exception {
        HttpResponse<String> response = app.send(
                HttpRequest.newBuilder(app.uri("/health")).method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void getHealthAndReadinessAnswer200() throws Exception {
        assertThat(app.get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = app.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void unknownPathGetsJson404WithoutInternals() throws Exception {
        HttpResponse<String> response = app.get("/no/such/path");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).isEqualTo("{\"status\":404,\"error\":\"Not Found\",\"path\":\"/no/such/path\"}");
    }

    @Test
    void notAcceptableAndMethodNotAllowedAreJsonWhateverTheClientAccepts() throws Exception {
        HttpResponse<String> notAcceptable = app.send(
                HttpRequest.newBuilder(app.uri("/api/records?writer=a")).header("Accept", "text/plain"));
        HttpResponse<String> rootAsXml =
                app.send(HttpRequest.newBuilder(app.uri("/")).header("Accept", "application/xml"));
        HttpResponse<String> notAllowed =
                app.send(HttpRequest.newBuilder(app.uri("/")).DELETE().header("Accept", "text/html"));
        HttpResponse<String> recordsNotAllowed = app.send(
                HttpRequest.newBuilder(app.uri("/api/records")).PUT(HttpRequest.BodyPublishers.ofString("{}")));

        for (HttpResponse<String> response : List.of(notAcceptable, rootAsXml)) {
            assertThat(response.statusCode()).isEqualTo(406);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(response.body())
                    .startsWith(
                            "{\"status\":406,\"error\":\"Not Acceptable\",\"message\":\"this path answers application/json");
        }
        assertThat(notAllowed.statusCode()).isEqualTo(405);
        assertThat(notAllowed.body())
                .isEqualTo("{\"status\":405,\"error\":\"Method Not Allowed\","
                        + "\"message\":\"this path does not take that method\",\"path\":\"/\"}");
        assertThat(recordsNotAllowed.statusCode()).isEqualTo(405);
        assertThat(recordsNotAllowed.body()).contains("this path does not take that method");
    }

    @Test
    void duplicateKeysAndTrailingContentAreRefusedWith400() throws Exception {
        HttpResponse<String> duplicate =
                app.post("/api/records", "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1,\"seq\":2}");
        HttpResponse<String> trailing = app.post("/api/records", "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1}garbage");

        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(duplicate.body()).contains("the key 'seq' appears more than once");
        assertThat(trailing.statusCode()).isEqualTo(400);
        assertThat(trailing.body()).contains("more after the JSON object");
    }

    @Test
    void recordsWithoutADatabaseGet503InWords() throws Exception {
        HttpResponse<String> write = app.post("/api/records", "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1}");
        HttpResponse<String> read = app.get("/api/records?writer=a");

        for (HttpResponse<String> response : List.of(write, read)) {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(response.body())
                    .isEqualTo(
                            "{\"status\":503,\"error\":\"Service Unavailable\",\"message\":"
                                    + "\"no database is configured for this app (set HADR_DB_URL)\",\"path\":\"/api/records\"}");
        }
    }

    @Test
    void noEndpointLeaksEnvironment() throws Exception {
        for (String path : new String[] {"/actuator/env", "/actuator/configprops", "/env", "/actuator/heapdump"}) {
            HttpResponse<String> response = app.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("WEBSITE_").doesNotContain("PATH");
        }
    }

    @Test
    void portFromEnvironmentIsHonoured() throws Exception {
        assertThat(app.log()).contains("port=" + app.port());
        assertThat(app.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void startLineNamesRegionPortAndStartupTime() throws Exception {
        assertThat(app.log())
                .containsPattern("ready: region='Central India' instance=instance-ci-0 port=\\d+ started in \\d+ ms");
    }

    @Test
    void lockedAppRefusesRequestsWithoutItsFrontDoorId() throws Exception {
        HttpResponse<String> none = lockedApp.get("/");
        HttpResponse<String> health = lockedApp.get("/health");
        HttpResponse<String> wrong = lockedApp.send(HttpRequest.newBuilder(lockedApp.uri("/"))
                .header("X-Azure-FDID", "00000000-0000-0000-0000-000000000000"));

        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("Front Door");
        assertThat(none.headers().firstValue("X-Hadr-Region")).hasValue("South India");
        assertThat(health.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    void lockedAppServesRequestsWithItsFrontDoorId() throws Exception {
        HttpResponse<String> root =
                lockedApp.send(HttpRequest.newBuilder(lockedApp.uri("/")).header("X-Azure-FDID", FRONT_DOOR_ID));
        HttpResponse<String> probe = lockedApp.send(HttpRequest.newBuilder(lockedApp.uri("/health"))
                .header("X-Azure-FDID", FRONT_DOOR_ID.toUpperCase())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("\"region\":\"South India\"");
        assertThat(probe.statusCode()).isEqualTo(200);
    }

    @Test
    void sigtermShutsDownGracefully() throws Exception {
        try (AppProcess shortLived = AppProcess.start(Map.of("REGION_NAME", "Central India"))) {
            long started = System.nanoTime();

            shortLived.process().destroy();

            assertThat(shortLived.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(shortLived.log()).contains("Graceful shutdown complete");
        }
    }
}
