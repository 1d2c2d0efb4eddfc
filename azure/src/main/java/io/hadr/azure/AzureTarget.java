package io.hadr.azure;

import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where hadr deploys on Azure: subscription, resource group, the resource group's location and
 * the Resource Manager endpoint (the public cloud's unless told otherwise).
 *
 * @param subscriptionId the subscription's GUID
 * @param resourceGroup the resource group that holds everything hadr creates
 * @param location where the resource group is created when it does not exist yet
 * @param armEndpoint Azure Resource Manager, e.g. {@code https://management.azure.com}
 */
public record AzureTarget(String subscriptionId, String resourceGroup, String location, URI armEndpoint) {

    /** The public cloud's Resource Manager. */
    public static final URI PUBLIC_CLOUD = URI.create("https://management.azure.com");

    /** Environment variables read when a flag is absent (the Azure SDKs' and az CLI's conventions). */
    public static final String ENV_SUBSCRIPTION = "AZURE_SUBSCRIPTION_ID";

    public static final String ENV_GROUP = "AZURE_DEFAULTS_GROUP";
    public static final String ENV_LOCATION = "AZURE_DEFAULTS_LOCATION";
    /** hadr's own: another cloud's (or a test double's) Resource Manager. */
    public static final String ENV_ARM_ENDPOINT = "HADR_AZURE_ARM_ENDPOINT";

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern GROUP = Pattern.compile("[-\\w._()]{1,90}");
    private static final Pattern LOCATION = Pattern.compile("[a-z][a-z0-9]{1,39}");

    public AzureTarget {
        if (subscriptionId == null || !GUID.matcher(subscriptionId).matches()) {
            throw new IllegalArgumentException(
                    "the subscription must be a GUID such as 00000000-1111-2222-3333-444444444444, but was '"
                            + subscriptionId + "'; 'az account show --query id -o tsv' prints yours");
        }
        if (resourceGroup == null || !GROUP.matcher(resourceGroup).matches() || resourceGroup.endsWith(".")) {
            throw new IllegalArgumentException(
                    "a resource group name is 1 to 90 letters, digits, '-', '_', '.', '(' or ')',"
                            + " not ending with '.', but was '" + resourceGroup + "'");
        }
        if (location == null || !LOCATION.matcher(location).matches()) {
            throw new IllegalArgumentException(
                    "a location is an Azure region name such as centralindia, but was '" + location + "'");
        }
        if (armEndpoint == null || !"https".equals(armEndpoint.getScheme()) || armEndpoint.getHost() == null) {
            throw new IllegalArgumentException(
                    "the Resource Manager endpoint must be an https:// URL (Azure sends tokens only over HTTPS), but was "
                            + armEndpoint);
        }
        String text = armEndpoint.toString();
        if (text.endsWith("/")) {
            armEndpoint = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /**
     * A target from flags, falling back to environment variables, then to defaults: the resource
     * group {@code <topology name>-rg} and the primary region as location.
     *
     * @throws IllegalArgumentException naming the flag and the variable when the subscription is missing
     */
    public static AzureTarget resolve(
            String subscription,
            String group,
            String location,
            String armEndpoint,
            Map<String, String> env,
            String defaultGroup,
            String defaultLocation) {
        String sub = firstNonBlank(subscription, env.get(ENV_SUBSCRIPTION));
        if (sub == null) {
            throw new IllegalArgumentException("no Azure subscription: pass --subscription or set " + ENV_SUBSCRIPTION
                    + " ('az account show --query id -o tsv' prints yours)");
        }
        String endpoint = firstNonBlank(armEndpoint, env.get(ENV_ARM_ENDPOINT));
        URI uri;
        try {
            uri = endpoint == null ? PUBLIC_CLOUD : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Resource Manager endpoint '" + endpoint + "' is not a URL");
        }
        return new AzureTarget(
                sub,
                firstNonBlank(group, env.get(ENV_GROUP), defaultGroup),
                firstNonBlank(location, env.get(ENV_LOCATION), defaultLocation),
                uri);
    }

    /** {@code /subscriptions/{s}/resourceGroups/{g}}: the prefix of every resource hadr creates. */
    public String resourceGroupId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }

    /** The OAuth scope for tokens to this Resource Manager. */
    public String scope() {
        String host = armEndpoint.getHost();
        // Sovereign clouds have their own audience (management.chinacloudapi.cn, ...); anything
        // else, such as a loopback test double, takes tokens for the public cloud's audience.
        return host.startsWith("management.") ? armEndpoint + "/.default" : PUBLIC_CLOUD + "/.default";
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
