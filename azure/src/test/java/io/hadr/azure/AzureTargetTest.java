package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureTargetTest {

    private static final String SUB = "00000000-1111-2222-3333-444444444444";

    @Test
    void flagsWinOverEnvironmentVariablesWhichWinOverDefaults() {
        Map<String, String> env = Map.of(
                "AZURE_SUBSCRIPTION_ID",
                SUB,
                "AZURE_DEFAULTS_GROUP",
                "from-env",
                "AZURE_DEFAULTS_LOCATION",
                "southindia");

        AzureTarget fromEnv = AzureTarget.resolve(null, null, null, null, env, "hadr-rg", "centralindia");
        AzureTarget fromFlags =
                AzureTarget.resolve(SUB, "from-flag", "westindia", null, env, "hadr-rg", "centralindia");
        AzureTarget defaults = AzureTarget.resolve(SUB, null, null, null, Map.of(), "hadr-rg", "centralindia");

        assertThat(fromEnv.resourceGroup()).isEqualTo("from-env");
        assertThat(fromEnv.location()).isEqualTo("southindia");
        assertThat(fromFlags.resourceGroup()).isEqualTo("from-flag");
        assertThat(fromFlags.location()).isEqualTo("westindia");
        assertThat(defaults.resourceGroup()).isEqualTo("hadr-rg");
        assertThat(defaults.armEndpoint()).isEqualTo(URI.create("https://management.azure.com"));
        assertThat(defaults.resourceGroupId()).isEqualTo("/subscriptions/" + SUB + "/resourceGroups/hadr-rg");
    }

    @Test
    void aMissingSubscriptionNamesTheFlagAndTheVariable() {
        assertThatThrownBy(() -> AzureTarget.resolve(null, null, null, null, Map.of(), "g", "centralindia"))
                .hasMessageContaining("--subscription")
                .hasMessageContaining("AZURE_SUBSCRIPTION_ID");
        assertThatThrownBy(() -> AzureTarget.resolve("not-a-guid", null, null, null, Map.of(), "g", "centralindia"))
                .hasMessageContaining("GUID")
                .hasMessageContaining("not-a-guid");
    }

    @Test
    void resourceManagerMustBeHttpsBecauseTokensTravelOnlyOverHttps() {
        assertThatThrownBy(() -> new AzureTarget(SUB, "g", "centralindia", URI.create("http://127.0.0.1:8080")))
                .hasMessageContaining("https://");
    }

    @Test
    void tokensAreForTheResourceManagersAudience() {
        assertThat(new AzureTarget(SUB, "g", "centralindia", URI.create("https://management.azure.com/")).scope())
                .isEqualTo("https://management.azure.com/.default");
        assertThat(new AzureTarget(SUB, "g", "centralindia", URI.create("https://management.chinacloudapi.cn")).scope())
                .isEqualTo("https://management.chinacloudapi.cn/.default");
        assertThat(new AzureTarget(SUB, "g", "centralindia", URI.create("https://127.0.0.1:8443")).scope())
                .isEqualTo("https://management.azure.com/.default");
    }
}
