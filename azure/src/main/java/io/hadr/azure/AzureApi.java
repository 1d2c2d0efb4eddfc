package io.hadr.azure;

/**
 * The ARM api-versions hadr speaks, one per resource provider, used both in the template and
 * for every runtime call, so what is deployed and what is driven are described by the same
 * published contract. Each is a stable version with a published ARM schema
 * ({@code Azure/azure-resource-manager-schemas}) the template is validated against.
 */
public final class AzureApi {

    /** Microsoft.Web (App Service plans and sites). The newest with an ARM schema. */
    public static final String WEB = "2024-11-01";
    /** Microsoft.Cdn (Front Door Standard/Premium: profiles, endpoints, origin groups, origins, routes). */
    public static final String CDN = "2025-04-15";
    /**
     * Microsoft.Sql (servers, databases, failover groups). Stable and carrying
     * {@code tryPlannedBeforeForcedFailover}, which the Java SQL SDK (pinned to 2021-11-01) cannot call.
     */
    public static final String SQL = "2025-01-01";
    /** Microsoft.Resources (resource groups, deployments). */
    public static final String RESOURCES = "2024-03-01";

    private AzureApi() {}

    /** The api-version of a resource type such as {@code Microsoft.Web/sites}. */
    public static String forType(String resourceType) {
        String provider = resourceType.substring(0, resourceType.indexOf('/')).toLowerCase(java.util.Locale.ROOT);
        return switch (provider) {
            case "microsoft.web" -> WEB;
            case "microsoft.cdn" -> CDN;
            case "microsoft.sql" -> SQL;
            case "microsoft.resources" -> RESOURCES;
            default -> throw new IllegalArgumentException("hadr does not manage " + resourceType);
        };
    }
}
